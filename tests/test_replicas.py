"""Replicas on shared components, as deploy/replicas.py runs them: two replicas (the drills' runner,
i.e. `briefing-bot serve` with the fake embedder) behind nginx, on a Chroma server, Redis and
PostgreSQL. A client over its limit is limited whichever replica it reaches, a vote through one
replica on another's answer is counted once, an answer cached by one is a hit on the other, and an
ingest is picked up by both."""

from __future__ import annotations

import http.client
import itertools
import json
import os
import runpy
import selectors
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from conftest import FAKE_CALIBRATION, NEW_DOC, ROOT, write_knowledge

pytestmark = [pytest.mark.server, pytest.mark.enable_socket]

DEPLOY = ROOT / "deploy" / "replicas.py"
listens = runpy.run_path(str(DEPLOY))["listens"]  # whether a port of 127.0.0.1 accepts connections
BOT = [sys.executable, str(ROOT / "bench" / "drills" / "runner.py")]  # serve / ingest with the fake embedder
QUESTION = "Who chairs the signing ceremony?"
PER_MINUTE = 4  # questions per client and minute (and at once): small enough to reach in a test
# Every request of the tests below that is not about rate limits comes from a client of its own.
CLIENTS = (f"10.0.{i // 250}.{i % 250 + 1}" for i in itertools.count())

missing = [p for p in ("/usr/bin/redis-server", "/usr/sbin/nginx") if not Path(p).exists()]
missing += [] if list(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl")) else ["postgresql"]
if missing:
    pytestmark.append(pytest.mark.skip(reason=f"needs Debian's {', '.join(missing)} (.ci/run installs them)"))


@pytest.fixture(scope="module")
def deployment():
    """deploy/replicas.py in a temporary folder; yields its ready line (url, replicas, env...)."""
    work = Path(tempfile.mkdtemp(prefix="briefing-bot-replicas-"))
    work.chmod(0o711)  # run as root, PostgreSQL runs as the postgres user, which must reach its folder
    env = {k: v for k, v in os.environ.items() if not k.startswith("BRIEFING_BOT_")}
    env.update(BRIEFING_BOT_KNOWLEDGE_DIR=str(write_knowledge(work / "knowledge")),
               BRIEFING_BOT_CALIBRATION=str(FAKE_CALIBRATION), PYTHONPATH=str(ROOT / "src"),
               BRIEFING_BOT_RATE_LIMIT_PER_MINUTE=str(PER_MINUTE), BRIEFING_BOT_RATE_LIMIT_BURST=str(PER_MINUTE))
    started, ready = time.monotonic(), {}
    with (work / "deploy.log").open("wb") as log:
        process = subprocess.Popen([sys.executable, str(DEPLOY), "--dir", str(work / "run"), "--port", "0",
                                    "--bot", shlex.join(BOT)], cwd=work, env=env, stdout=subprocess.PIPE, stderr=log)
    try:
        waiting = selectors.DefaultSelector()  # epoll: select() fails on descriptors above 1023
        waiting.register(process.stdout, selectors.EVENT_READ)
        if not waiting.select(600):
            pytest.fail("deploy/replicas.py was not ready within 600 s")
        line = process.stdout.readline()
        if not line:
            pytest.fail(f"deploy/replicas.py failed: {(work / 'deploy.log').read_text()[-2000:]}")
        ready = json.loads(line)
        print(f"deploy/replicas.py ready in {time.monotonic() - started:.1f} s")
        yield {**ready, "work": work, "env": {**env, **shared_settings(Path(ready["env"]))}}
    finally:
        stopping = time.monotonic()
        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=120)
        print(f"deploy/replicas.py stopped in {time.monotonic() - stopping:.1f} s")
        shutil.rmtree(work, ignore_errors=True)
        components = [ready["url"], *ready["replicas"], ready["chroma"], ready["redis"], ready["database"]] if ready else []
        still = [c for c in components if listens(int(c.rsplit(":", 1)[1].split("/")[0]))]
        assert code == 0 and not still, f"exit {code}, still listening: {still}"


def shared_settings(path: Path) -> dict[str, str]:
    """The BRIEFING_BOT_* settings of DIR/replicas.env."""
    return dict(shlex.split(line)[0].split("=", 1) for line in path.read_text().splitlines() if line.strip())


def post(url: str, path: str, body: dict, client: str | None = None, source: str = "127.0.0.1",
         request_id: str = "") -> tuple[int, dict]:
    """POST JSON from address ``source`` (a 127.x.y.z), saying it is for ``client`` (X-Forwarded-For,
    which the replicas believe from 127.0.0.1 only)."""
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source, 0))
    headers = {"Content-Type": "application/json", **({"X-Forwarded-For": client} if client else {}),
               **({"X-Request-ID": request_id} if request_id else {})}
    try:
        connection.request("POST", path, json.dumps(body), headers)
        response = connection.getresponse()
        data = response.read()
        return response.status, json.loads(data) if data else {}
    finally:
        connection.close()


def ask(url: str, question: str = QUESTION, **kwargs) -> tuple[int, dict]:
    return post(url, "/api/ask", {"question": question, "history": []}, **kwargs)


def upstreams(deployment, request_ids: list[str]) -> dict[str, str]:
    """Which replica nginx sent each request to (its access log: request id ... upstream)."""
    lines = (deployment["work"] / "run" / "nginx" / "access.log").read_text().splitlines()
    return {fields[1]: fields[-1] for fields in map(str.split, lines) if fields[1] in request_ids}


def test_a_client_over_its_limit_is_limited_whichever_replica_it_reaches(deployment):
    url = deployment["url"]
    ids = [f"limit-{i}" for i in range(PER_MINUTE + 2)]
    statuses = [ask(url, source="127.0.0.2", request_id=i)[0] for i in ids]  # one client, through nginx
    assert statuses == [200] * PER_MINUTE + [429, 429]
    served = upstreams(deployment, ids)
    replicas = {u.removeprefix("http://") for u in deployment["replicas"]}
    assert {served[i] for i in ids[:PER_MINUTE]} == replicas  # both replicas counted for the one client
    # Another client is not limited, and the limited one cannot escape by naming another address.
    assert ask(url, source="127.0.0.3")[0] == 200
    assert ask(url, source="127.0.0.2", client="203.0.113.9")[0] == 429


def test_a_vote_through_one_replica_on_an_answer_of_the_other_is_counted_once(deployment):
    first, second = deployment["replicas"]
    status, answer = ask(first, "When was the signing ceremony held?", client=next(CLIENTS))
    assert status == 200 and answer["answered"]
    assert post(second, "/api/feedback", {"answer_id": answer["answer_id"], "vote": -1},
                client=next(CLIENTS))[0] == 204  # the second replica finds the first one's answer
    command = [sys.executable, "-m", "briefing_bot"]
    exported = subprocess.run(command + ["feedback", "export", "--format", "jsonl"], env=deployment["env"],
                              capture_output=True, text=True, timeout=60)  # from PostgreSQL
    votes = [json.loads(line) for line in exported.stdout.splitlines()]
    assert [(v["question"], v["vote"]) for v in votes if v["answer_id"] == answer["answer_id"]] == [
        ("When was the signing ceremony held?", -1)], exported.stderr
    stats = json.loads(subprocess.run(command + ["stats", "--json"], env=deployment["env"], capture_output=True,
                                      text=True, timeout=60).stdout)
    asked = {row["question"]: row["asked"] for row in stats["most_asked"]}
    assert asked["When was the signing ceremony held?"] == 1


def test_an_answer_cached_by_one_replica_is_a_hit_on_the_other(deployment):
    first, second = deployment["replicas"]
    question = "Where was the signing ceremony of the convention held?"
    status, answered = ask(first, question, client=next(CLIENTS))
    assert status == 200 and answered["answered"] and answered["cached"] is False
    status, again = ask(second, question.upper(), client=next(CLIENTS))  # the same question for the cache
    assert status == 200 and again["cached"] is True and again["answer"] == answered["answer"]


def test_an_ingest_is_picked_up_by_both_replicas(deployment):
    knowledge = Path(deployment["env"]["BRIEFING_BOT_KNOWLEDGE_DIR"])
    (knowledge / "press-office.en.md").write_text(NEW_DOC, encoding="utf-8")
    ingest = subprocess.run(BOT + ["ingest"], env=deployment["env"], capture_output=True, text=True, timeout=120)
    assert ingest.returncode == 0, ingest.stderr
    done = time.monotonic()
    pending = set(deployment["replicas"])
    while pending and time.monotonic() - done < 10:
        for replica in sorted(pending):
            status, answer = ask(replica, "How can journalists reach the press office?", client=next(CLIENTS))
            if status == 200 and any(c["doc_id"] == "press-office.en" for c in answer["citations"]):
                pending.discard(replica)
        time.sleep(0.2)
    assert not pending, f"still on the old index after 10 s: {pending}"
