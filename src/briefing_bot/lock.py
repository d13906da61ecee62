"""One ingest at a time, across processes and machines: a lock kept in the index itself.

The lock is a Chroma collection named ``<prefix>_ingest_lock``. Creating a collection whose name
is taken fails, in a local folder as on a Chroma server (``BRIEFING_BOT_CHROMA_URL``), so creating
it is an atomic test-and-set that every process sharing the index sees. Its metadata names the
holder (pid, host, start time) and carries a heartbeat that a thread renews every few seconds.

A holder that died without releasing the lock (SIGKILL, power loss) is recognised

* at once when it ran on this machine: its pid is gone (or is another process now);
* otherwise when its heartbeat has not moved for ``stale_after`` seconds, timed on this machine's
  clock (so clocks of different machines need not agree).

Its lock is then taken over by renaming the dead lock's collection *by id* to a tombstone and
creating the lock again: of two processes taking over at once, only one can create it. Releasing
also renames by id, so a holder whose lock was taken over can never delete its successor's.
"""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from typing import Callable

from .errors import IngestLocked, StoreError
from .store import ChromaStore

STALE_AFTER = 60.0  # seconds without a heartbeat after which a holder on another machine is dead
BEAT_EVERY = 5.0  # seconds between heartbeats
POLL_EVERY = 0.5  # seconds between attempts while waiting


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as handle:
            return handle.read().strip()
    except OSError:
        return ""


def _process_start(pid: int) -> str:
    """The start time of a process (clock ticks since boot, from /proc), "" where unknown; with
    the pid it identifies a process even after its pid is reused. "Z" for a zombie."""
    stat = _read(f"/proc/{pid}/stat")
    if not stat:
        return ""
    fields = stat.rsplit(")", 1)[-1].split()  # the command name, in parentheses, may hold spaces
    if len(fields) < 20:
        return ""
    return "Z" if fields[0] in ("Z", "X") else fields[19]


def _machine() -> str:
    """Who can check a pid: same host name, same boot and same pid namespace."""
    try:
        namespace = os.readlink("/proc/self/ns/pid")
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}|{_read('/proc/sys/kernel/random/boot_id')}|{namespace}"


def _alive(pid: int, start: str) -> bool:
    """Whether process ``pid`` (started at ``start``) still runs on this machine."""
    now = _process_start(pid)
    if now:
        return now != "Z" and (not start or now == start)
    if os.path.isdir("/proc/self"):
        return False  # /proc is readable but has no such process
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _already_exists(exc: Exception) -> bool:
    return type(exc).__name__ == "UniqueConstraintError" or "already exists" in str(exc)


def _missing(exc: Exception) -> bool:
    return type(exc).__name__ == "NotFoundError" or "does not exist" in str(exc)


class IngestLock:
    """``with IngestLock(store, timeout=...):`` holds the index's ingest lock for the block.

    Waits up to ``timeout`` seconds for another holder (0: do not wait), then raises
    ``IngestLocked`` saying who holds it. ``notify`` is told once when it starts waiting."""

    def __init__(self, store: ChromaStore, timeout: float, purpose: str = "ingest",
                 notify: Callable[[str], None] | None = None, stale_after: float = STALE_AFTER,
                 beat_every: float = BEAT_EVERY, poll_every: float = POLL_EVERY) -> None:
        self.store = store
        self.timeout = timeout
        self.purpose = purpose
        self.notify = notify or (lambda _message: None)
        self.stale_after = stale_after
        self.beat_every = beat_every
        self.poll_every = poll_every
        self.name = f"{store.prefix}_ingest_lock"
        self.token = uuid.uuid4().hex
        self.lost = False  # set when the lock was found taken over while held
        self._collection = None
        self._stop = threading.Event()
        self._beater: threading.Thread | None = None
        self._beats = 0
        self._started = ""

    # --- holding ----------------------------------------------------------------------------

    def _record(self) -> dict:
        pid = os.getpid()
        return {"token": self.token, "pid": pid, "host": socket.gethostname(), "machine": _machine(),
                "pstart": _process_start(pid), "purpose": self.purpose,
                "started": self._started, "beat": self._beats, "beat_at": time.time()}

    def acquire(self) -> IngestLock:
        """Take the lock, waiting for (or taking over from a dead) holder."""
        client = self.store.client
        deadline = time.monotonic() + self.timeout
        seen: dict[str, tuple[object, float]] = {}  # holder token -> (its beat, when we saw it change)
        announced = False
        while True:
            self._started = time.strftime("%Y-%m-%dT%H:%M:%S%z")
            try:
                self._collection = client.create_collection(self.name, metadata=self._record(),
                                                            embedding_function=None)
            except Exception as exc:
                if not _already_exists(exc):
                    raise StoreError(f"Cannot take the ingest lock in the index at {self.store.where} "
                                     f"({exc}).") from None
            else:
                self._stop.clear()
                self._beater = threading.Thread(target=self._beat, name="ingest-lock", daemon=True)
                self._beater.start()
                self._remove_tombstones()
                return self
            holder = self._holder()
            if holder is None:
                continue  # released in the meantime: try again at once
            if self._dead(holder.metadata or {}, seen):
                self._take_over(holder)
                continue
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise IngestLocked(f"Another ingest ({self.describe(holder.metadata or {})}) still holds "
                                   f"the index lock at {self.store.where} after {self.timeout:g} s. Let it "
                                   "finish, then run 'briefing-bot ingest' again (or wait longer: "
                                   "BRIEFING_BOT_INGEST_WAIT_SECONDS).")
            if not announced:
                self.notify(f"Another ingest is running ({self.describe(holder.metadata or {})}); waiting "
                            f"up to {self.timeout:g} s for it to finish...")
                announced = True
            time.sleep(min(self.poll_every, remaining))

    def release(self) -> None:
        """Give the lock up (renaming it by id first, so that only our own lock is removed)."""
        self._stop.set()
        if self._beater is not None:
            self._beater.join(timeout=30)
            self._beater = None
        if self._collection is not None:
            self._bury(self._collection)
            self._collection = None

    def verify(self) -> None:
        """Raise ``StoreError`` unless this process still holds the lock (call before committing)."""
        holder = self._holder()
        if self.lost or holder is None or (holder.metadata or {}).get("token") != self.token:
            self.lost = True
            raise StoreError("This ingest lost the index lock (it was paused for longer than "
                             f"{self.stale_after:g} s and another ingest took over); its work is discarded. "
                             "Run 'briefing-bot ingest' again.")

    def __enter__(self) -> IngestLock:
        return self.acquire()

    def __exit__(self, *_exc) -> None:
        self.release()

    def _beat(self) -> None:
        while not self._stop.wait(self.beat_every):
            self._beats += 1
            try:
                self._collection.modify(metadata=self._record())
            except Exception as exc:
                if _missing(exc):
                    self.lost = True
                    return
                # a transient error: the next beat retries (the lock goes stale only after many)

    # --- others' locks ----------------------------------------------------------------------

    def _holder(self):
        try:
            return self.store.client.get_collection(self.name, embedding_function=None)
        except Exception as exc:
            if _missing(exc):
                return None
            raise StoreError(f"Cannot read the ingest lock in the index at {self.store.where} ({exc}).") from None

    def _dead(self, meta: dict, seen: dict[str, tuple[object, float]]) -> bool:
        """Whether the holder described by ``meta`` is gone: a dead pid on this machine, or a
        heartbeat that has not moved for ``stale_after`` seconds (timed here)."""
        if meta.get("machine") == _machine() and isinstance(meta.get("pid"), int) \
                and not _alive(meta["pid"], str(meta.get("pstart", ""))):
            return True
        token, beat = str(meta.get("token", "")), meta.get("beat")
        if token not in seen or seen[token][0] != beat:
            seen[token] = (beat, time.monotonic())
            return False
        return time.monotonic() - seen[token][1] >= self.stale_after

    def _take_over(self, holder) -> None:
        self.notify(f"Taking over the ingest lock of a dead ingest ({self.describe(holder.metadata or {})}).")
        self._bury(holder)

    def _bury(self, collection) -> None:
        """Rename a lock collection (by id) to a tombstone, then delete the tombstone."""
        tombstone = f"{self.store.prefix}_ingest_lock_gone_{uuid.uuid4().hex[:12]}"
        try:
            collection.modify(name=tombstone)
            self.store.client.delete_collection(tombstone)
        except Exception as exc:
            if not _missing(exc):
                raise StoreError(f"Cannot release the ingest lock in the index at {self.store.where} "
                                 f"({exc}).") from None

    def _remove_tombstones(self) -> None:
        """Delete tombstones left by processes killed between renaming and deleting."""
        prefix = f"{self.store.prefix}_ingest_lock_gone_"
        try:
            for collection in self.store.client.list_collections():
                name = getattr(collection, "name", collection)
                if name.startswith(prefix):
                    self.store.client.delete_collection(name)
        except Exception:  # noqa: BLE001 - tidying only; a later ingest retries
            pass

    @staticmethod
    def describe(meta: dict) -> str:
        """Who holds a lock, for messages."""
        beat = meta.get("beat_at")
        ago = f", last heartbeat {max(0, time.time() - beat):.0f} s ago" if isinstance(beat, (int, float)) else ""
        return (f"{meta.get('purpose', 'ingest')} by pid {meta.get('pid', '?')} on {meta.get('host', '?')}, "
                f"started {meta.get('started', '?')}{ago}")
