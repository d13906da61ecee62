"""briefing-bot as replicas behind nginx on one machine, sharing the index, the rate limits, the
answer cache and the record of questions and votes through real servers.

    .venv/bin/python deploy/replicas.py [--dir .briefing-bot/replicas] [--port 8080] [--replicas 2]

Starts, each on 127.0.0.1 and a free port, with its data in DIR:

- a Chroma server (``chroma run`` from the virtualenv): the index (BRIEFING_BOT_CHROMA_URL);
- Redis (Debian's ``redis-server``): the answer cache and the rate limits (BRIEFING_BOT_REDIS_URL,
  BRIEFING_BOT_RATE_LIMIT_STORAGE);
- PostgreSQL (Debian's ``initdb`` and ``pg_ctl``, run as the ``postgres`` user when this runs as
  root): the record of questions and votes (BRIEFING_BOT_DATABASE_URL);

then ingests the knowledge folder once, starts the replicas (``briefing-bot serve``; each model on
its share of this machine's cores, BRIEFING_BOT_TORCH_THREADS unless set) and nginx
(``deploy/nginx.conf``, no daemon, its pid and logs in DIR/nginx) on ``--port``. When all answer,
it prints one JSON line (``url``, ``replicas``, ``env``...); it stops everything, newest first, on
Ctrl-C or SIGTERM (exit 0) or when one of them exits (exit 1). The data stay in DIR for the next
run; the logs are in DIR/logs.

``DIR/replicas.env`` holds the shared settings, for commands run against the same components:
``set -a; . DIR/replicas.env; set +a; .venv/bin/briefing-bot ingest`` (every replica answers from
the new index within 2 s), ``briefing-bot stats``, ``briefing-bot feedback export``. Other settings
come from the environment or briefing-bot.toml, as for ``briefing-bot serve``. ``--bot`` is the
command that runs briefing-bot (default: this Python's ``-m briefing_bot``).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Callable

import psycopg
from sqlalchemy import make_url

from briefing_bot.config import load_settings
from briefing_bot.errors import BriefingBotError

TEMPLATE = Path(__file__).with_name("nginx.conf")
REDIS = "/usr/bin/redis-server"
NGINX = "/usr/sbin/nginx"
POSTGRES_BIN = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name))
DATABASE = USER = "briefing_bot"


class Failed(Exception):
    """A component did not start; the message says which and where its log is."""


class Stopped(Exception):
    """Ctrl-C or SIGTERM."""


def stopped(*_args) -> None:
    raise Stopped


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def responds(url: str) -> bool:
    """Whether ``url`` answers 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def listens(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


class Stack:
    """The components started so far, stopped in the reverse order."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.logs = folder / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.processes: dict[str, subprocess.Popen] = {}
        self.stops: list[tuple[str, Callable[[], None]]] = []

    def spawn(self, name: str, command: list[str], env: dict[str, str] | None = None) -> subprocess.Popen:
        """Start a component in the background (its own session: Ctrl-C reaches this script only)."""
        with (self.logs / f"{name}.log").open("ab") as log:
            process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env,
                                       start_new_session=True)
        self.processes[name] = process
        self.stops.append((name, lambda: stop(process)))
        return process

    def run(self, name: str, command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> None:
        """Run a command to its end; ``Failed`` with the end of its log when it fails."""
        with (self.logs / f"{name}.log").open("ab") as log:
            code = subprocess.run(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=cwd).returncode
        if code:
            raise Failed(f"{name} failed (exit {code}): {self.tail(name)}")

    def wait(self, name: str, ready: Callable[[], bool], within: float) -> None:
        """Wait until ``ready()``; ``Failed`` if the component exits first or takes longer."""
        process = self.processes.get(name)
        deadline = time.monotonic() + within
        while not ready():
            if process is not None and process.poll() is not None:
                raise Failed(f"{name} exited ({process.returncode}): {self.tail(name)}")
            if time.monotonic() > deadline:
                raise Failed(f"{name} was not ready within {within:g} s: {self.tail(name)}")
            time.sleep(0.2)

    def tail(self, name: str) -> str:
        log = self.logs / f"{name}.log"
        lines = log.read_text(errors="replace").strip().splitlines()[-5:] if log.exists() else []
        return " | ".join(lines) + f" (log: {log})"

    def stop(self) -> None:
        for name, stopper in reversed(self.stops):
            try:
                stopper()
            except (OSError, subprocess.SubprocessError, Failed) as exc:
                print(f"Could not stop {name}: {exc}", file=sys.stderr)
        self.stops.clear()


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def start_redis(stack: Stack) -> str:
    port, folder = free_port(), stack.folder / "redis"
    folder.mkdir(exist_ok=True)
    stack.spawn("redis", [REDIS, "--bind", "127.0.0.1", "--port", str(port), "--dir", str(folder),
                          "--save", "", "--appendonly", "no"])  # counts and cached answers: nothing to keep
    stack.wait("redis", lambda: listens(port), 60)
    return f"redis://127.0.0.1:{port}"


def start_chroma(stack: Stack) -> str:
    port = free_port()
    chroma = Path(sys.executable).with_name("chroma")
    stack.spawn("chroma", [str(chroma), "run", "--path", str(stack.folder / "chroma"), "--host", "127.0.0.1",
                           "--port", str(port)])
    url = f"http://127.0.0.1:{port}"
    stack.wait("chroma", lambda: responds(url + "/api/v2/heartbeat"), 180)
    return url


def start_postgres(stack: Stack) -> str:
    """PostgreSQL in DIR/postgres (created on the first run, with a generated password kept in
    DIR/postgres.password); returns the database URL."""
    if not POSTGRES_BIN:
        raise Failed("PostgreSQL is not installed (apt-get install postgresql).")
    tools = POSTGRES_BIN[-1]
    home, port = stack.folder / "postgres", free_port()
    data, secret = home / "data", stack.folder / "postgres.password"
    as_postgres = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []  # initdb refuses root
    if not (data / "PG_VERSION").exists():
        home.mkdir(exist_ok=True)
        password = secrets.token_urlsafe(24)
        (home / "password").write_text(password)
        if as_postgres:
            shutil.chown(home, "postgres", "postgres")
            shutil.chown(home / "password", "postgres", "postgres")
            if subprocess.run(as_postgres + ["test", "-w", str(home)]).returncode:
                raise Failed(f"the postgres user cannot write to {home}: choose a --dir whose parent folders "
                             "others may enter (chmod o+x), or run this as another user than root.")
        try:
            stack.run("postgres-init", as_postgres + [str(tools / "initdb"), "-D", str(data), "-U", USER,
                                                      f"--pwfile={home / 'password'}", "--auth=scram-sha-256",
                                                      "-E", "UTF8", "--no-locale"], cwd=home)
        finally:
            (home / "password").unlink()
        secret.write_text(password)
        secret.chmod(0o600)
    stack.run("postgres-start", as_postgres + [str(tools / "pg_ctl"), "-D", str(data), "-l", str(home / "postgres.log"),
                                               "-o", f"-p {port} -c listen_addresses=127.0.0.1 -k ''",
                                               "-w", "-t", "60", "start"], cwd=home)
    stack.stops.append(("postgres", lambda: stack.run(
        "postgres-stop", as_postgres + [str(tools / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"], cwd=home)))
    password = secret.read_text().strip()
    try:
        with psycopg.connect(host="127.0.0.1", port=port, user=USER, password=password, dbname="postgres",
                             autocommit=True) as connection:
            if not connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)).fetchone():
                connection.execute(f"CREATE DATABASE {DATABASE}")
    except psycopg.Error as exc:
        raise Failed(f"cannot create the database {DATABASE} ({exc}): {stack.tail('postgres-start')}") from None
    return f"postgresql://{USER}:{password}@127.0.0.1:{port}/{DATABASE}"


def nginx_config(port: int, replicas: list[int], max_body_bytes: int, answer_timeout: float) -> str:
    """deploy/nginx.conf with its values filled in."""
    values = {"listen": f"127.0.0.1:{port}", "max_body_bytes": str(max_body_bytes),
              "read_timeout": str(int(answer_timeout) + 30),
              "replicas": "\n        ".join(f"server 127.0.0.1:{p} max_fails=1 fail_timeout=5s;" for p in replicas)}
    text = TEMPLATE.read_text()
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    return text


def up(folder: Path, port: int, replicas: int, bot: list[str]) -> int:
    settings = load_settings()  # the limits nginx applies too
    stack = Stack(folder)
    try:
        print(f"Starting Redis, Chroma and PostgreSQL in {folder} (logs in {stack.logs})...", file=sys.stderr)
        redis = start_redis(stack)
        shared = {"BRIEFING_BOT_REDIS_URL": redis, "BRIEFING_BOT_RATE_LIMIT_STORAGE": redis,
                  "BRIEFING_BOT_CHROMA_URL": start_chroma(stack),
                  "BRIEFING_BOT_DATABASE_URL": start_postgres(stack),
                  "BRIEFING_BOT_TRUSTED_PROXIES": "127.0.0.1"}  # nginx: the client is its X-Forwarded-For
        env_file = folder / "replicas.env"
        env_file.write_text("".join(f"{k}={shlex.quote(v)}\n" for k, v in shared.items()))
        env_file.chmod(0o600)  # the database password
        # The database URL replaces the SQLite file: both set is a configuration error.
        env = {**{k: v for k, v in os.environ.items() if k != "BRIEFING_BOT_FEEDBACK_DB"}, **shared}

        print("Ingesting the knowledge folder once...", file=sys.stderr)
        stack.run("ingest", bot + ["ingest"], env)
        ports = [free_port() for _ in range(replicas)]
        # The replicas share this machine's cores: each model gets its share (unless set), since
        # two models of 2 threads on 2 cores ran slower than one server and timed out at 50 clients.
        threads = os.environ.get("BRIEFING_BOT_TORCH_THREADS") or str(max(1, (os.cpu_count() or 1) // replicas))
        for i, replica_port in enumerate(ports, 1):
            stack.spawn(f"replica-{i}", bot + ["serve", "--port", str(replica_port)],
                        {**env, "BRIEFING_BOT_HOST": "127.0.0.1", "BRIEFING_BOT_TORCH_THREADS": threads})
        for i, replica_port in enumerate(ports, 1):
            stack.wait(f"replica-{i}", lambda p=replica_port: responds(f"http://127.0.0.1:{p}/api/health"), 600)

        port = port or free_port()
        home = folder / "nginx"
        (home / "temp").mkdir(parents=True, exist_ok=True)
        (home / "nginx.conf").write_text(nginx_config(port, ports, settings.max_body_bytes,
                                                      settings.answer_timeout_seconds))
        stack.spawn("nginx", [NGINX, "-p", f"{home}/", "-c", str(home / "nginx.conf"), "-e", str(home / "error.log")])
        url = f"http://127.0.0.1:{port}"
        stack.wait("nginx", lambda: responds(url + "/api/health"), 60)

        print(json.dumps({"url": url, "replicas": [f"http://127.0.0.1:{p}" for p in ports],
                          "chroma": shared["BRIEFING_BOT_CHROMA_URL"], "redis": redis,
                          "database": make_url(shared["BRIEFING_BOT_DATABASE_URL"]).render_as_string(hide_password=True),
                          "env": str(env_file), "logs": str(stack.logs), "pid": os.getpid()}), flush=True)
        print(f"Ready: {url} ({replicas} replicas). Ctrl-C stops everything.", file=sys.stderr)
        while True:
            time.sleep(1)
            dead = [name for name, p in stack.processes.items() if p.poll() is not None]
            if dead:
                print(f"{', '.join(dead)} exited: stopping everything. {stack.tail(dead[0])}", file=sys.stderr)
                return 1
    except Stopped:
        return 0
    except Failed as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):  # stop everything, whatever comes now
            signal.signal(signum, signal.SIG_IGN)
        print("Stopping...", file=sys.stderr)
        stack.stop()
        print("Stopped.", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].replace("\n", " "))
    parser.add_argument("--dir", type=Path, default=Path(".briefing-bot/replicas"),
                        help="where the components keep their data and logs (default: %(default)s)")
    parser.add_argument("--port", type=int, default=8080, help="nginx's port on 127.0.0.1 (0: a free one)")
    parser.add_argument("--replicas", type=int, default=2, help="how many replicas (default: %(default)s)")
    parser.add_argument("--bot", default=f"{shlex.quote(sys.executable)} -m briefing_bot",
                        help="the command that runs briefing-bot (default: %(default)s)")
    args = parser.parse_args()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, stopped)
    try:
        code = up(args.dir.resolve(), args.port, args.replicas, shlex.split(args.bot))
    except BriefingBotError as exc:  # the settings
        print(f"Error: {exc}", file=sys.stderr)
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()
