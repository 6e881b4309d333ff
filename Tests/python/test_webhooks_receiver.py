"""`duvo webhooks --listen` as a process: what it answers, what it publishes to the processes on the key (a socket
of this test's in the runtime directory stands in for one), what it logs, how it stops; and the simulator's real
webhook POSTs going through it."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.request
from pathlib import Path

from coordination_harness import RedisChild

import pytest

API_KEY = "dv_sim_local_key"  # the simulator's default key, so the simulator's own deliveries carry our token
def token_for(key: str) -> str:
    """The webhook token of `key`, as the bridge derives it: hex HMAC-SHA-256 of a fixed label under the key."""
    return hmac.new(key.encode(), b"duvo-bridge webhook v1", hashlib.sha256).hexdigest()


TOKEN = token_for(API_KEY)


def keyed_name(*parts: str) -> str:
    """RuntimeDirectory.keyedName: SHA-256 of a fixed label and NUL-separated parts, 16 bytes in hex."""
    digest = hashlib.sha256(b"duvo-bridge/runtime/v1")
    for part in parts:
        digest.update(b"\0" + part.encode())
    return digest.digest()[:16].hex()


class Receiver:
    """A running `duvo webhooks`, a subscriber socket on its key (unless `subscribe` is false), and its stderr."""

    def __init__(self, duvo: str, runtime: str, key: str = API_KEY, env: dict | None = None,
                 listen: str = "127.0.0.1:0", subscribe: bool = True):
        self.runtime = runtime
        self.socket = None
        if subscribe:
            folder = Path(runtime) / ("events-" + keyed_name(key, "webhooks")[:16])
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            self.socket.bind(str(folder / "pytest.sock"))
            self.socket.settimeout(10)
        self.stderr = tempfile.TemporaryFile()
        environment = {**os.environ, "DUVO_API_KEY": key, "DUVO_RUNTIME_DIR": runtime, "DUVO_LOG_LEVEL": "debug"}
        environment.pop("DUVO_API_KEY_FILE", None)
        environment.pop("DUVO_COORDINATION", None)
        environment.update(env or {})
        self.process = subprocess.Popen([duvo, "webhooks", "--listen", listen], env=environment,
                                        stdout=subprocess.PIPE, stderr=self.stderr, text=True)
        line = self.process.stdout.readline().strip()
        assert line.startswith("http://127.0.0.1:"), f"first line: {line!r}, stderr: {self.log()}"
        self.base = line
        self.port = int(line.rsplit(":", 1)[1])

    def post(self, path: str, body: bytes, method: str = "POST") -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request(method, path, body=body, headers={"Content-Type": "application/json"})
            response = connection.getresponse()
            response.read()
            return response.status
        finally:
            connection.close()

    def received(self) -> dict:
        return json.loads(self.socket.recv(4096))

    def log(self) -> str:
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=15)
        if self.socket:
            self.socket.close()
        return code


@pytest.fixture
def runtime():
    with tempfile.TemporaryDirectory(prefix="duvo-wh-") as path:
        os.chmod(path, 0o700)
        yield path


def event(run_id: str, name: str = "run_completed", status: str = "completed") -> bytes:
    return json.dumps({"event": name, "run_id": run_id, "status": status}).encode()


def test_refuses_what_is_not_an_event_at_the_token_and_publishes_only_events(duvo, runtime):
    receiver = Receiver(duvo, runtime)
    try:
        forged = token_for("dv_someone_else_key")
        assert receiver.post("/" + forged, event("forged")) == 404
        assert receiver.post("/", event("root")) == 404
        assert receiver.post("/" + TOKEN, b"", method="GET") == 405
        assert receiver.post("/" + TOKEN, b" " * 5000) == 413
        assert receiver.post("/" + TOKEN, b"{not json") == 400
        assert receiver.post("/" + TOKEN, json.dumps({"event": "run_failed"}).encode()) == 400
        assert receiver.post("/" + TOKEN, event("run_good")) == 204
        first = receiver.received()
        assert first["run_id"] == "run_good", "nothing refused was published before the good event"
        assert first["event"] == "run_completed" and first["status"] == "completed"
        assert receiver.stop() == 0, receiver.log()
        log = receiver.log()
        assert "received run_completed for run run_good" in log and "published run_completed" in log
        assert TOKEN not in log and forged not in log, "the path (the token) is never logged"
        assert API_KEY not in log
    finally:
        if receiver.process.poll() is None:
            receiver.process.kill()


def test_sigterm_finishes_in_flight_and_exits_zero(duvo, runtime):
    receiver = Receiver(duvo, runtime)
    held = socket.create_connection(("127.0.0.1", receiver.port))  # an idle keep-alive connection
    try:
        assert receiver.post("/" + TOKEN, event("run_last")) == 204
        assert receiver.received()["run_id"] == "run_last"
        assert receiver.stop() == 0
        assert "stopping" in receiver.log()
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", receiver.port), timeout=2)
    finally:
        held.close()
        if receiver.process.poll() is None:
            receiver.process.kill()


def test_needs_the_key_and_a_listen_address(duvo, runtime):
    env = {**os.environ, "DUVO_RUNTIME_DIR": runtime}
    for name in ("DUVO_API_KEY", "DUVO_API_KEY_FILE"):
        env.pop(name, None)
    missing_key = subprocess.run([duvo, "webhooks", "--listen", "127.0.0.1:0"], env=env, capture_output=True,
                                 text=True, timeout=30)
    assert missing_key.returncode != 0 and "DUVO_API_KEY" in missing_key.stderr and missing_key.stdout == ""
    env["DUVO_API_KEY"] = API_KEY
    no_listen = subprocess.run([duvo, "webhooks"], env=env, capture_output=True, text=True, timeout=30)
    assert no_listen.returncode != 0
    assert "--listen" in no_listen.stderr


def test_the_simulators_deliveries_reach_the_processes_on_the_key(duvo, runtime):
    receiver = Receiver(duvo, runtime)
    sim = subprocess.Popen([duvo, "sim", "--port", "0", "--speed", "50", "--log-level", "warn"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        sim_url = sim.stdout.readline().strip()
        agents = json.loads(subprocess.run([duvo, "sim", "agents", "--json"], capture_output=True, text=True,
                                           timeout=30, check=True).stdout)
        echo = next(agent["id"] for agent in agents if agent["name"] == "echo")
        request = urllib.request.Request(
            sim_url + "/v1/runs", method="POST",
            data=json.dumps({"agent_id": echo, "message": "hello",
                             "webhook_url": receiver.base + "/ingress/" + TOKEN}).encode(),
            headers={"Authorization": "Bearer " + API_KEY, "Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=10) as answer:
            run_id = json.loads(answer.read())["run"]["id"]
        hint = receiver.received()  # the socket's own 10 s deadline
        assert hint == {**hint, "run_id": run_id, "event": "run_completed", "status": "completed"}
        assert receiver.stop() == 0
        assert f"published run_completed for run {run_id}" in receiver.log()
    finally:
        sim.terminate()
        sim.wait(timeout=15)
        if receiver.process.poll() is None:
            receiver.process.kill()


def resp_command(*words: str) -> bytes:
    return b"".join([f"*{len(words)}\r\n".encode()] + [f"${len(w.encode())}\r\n{w}\r\n".encode() for w in words])


def test_through_redis_every_subscriber_gets_the_event_and_the_password_stays_out_of_the_log(duvo, runtime):
    redis = RedisChild(password="webhook-redis-secret")
    channel = "duvo:{" + keyed_name(API_KEY, "webhooks") + "}:webhooks"
    subscriber = socket.create_connection(("127.0.0.1", redis.port), timeout=10)
    receiver = None
    try:
        subscriber.sendall(resp_command("AUTH", "webhook-redis-secret") + resp_command("SUBSCRIBE", channel))
        confirmed = b""
        while b"subscribe" not in confirmed or not confirmed.endswith(b":1\r\n"):
            confirmed += subscriber.recv(4096)
        receiver = Receiver(duvo, runtime, env={"DUVO_COORDINATION": redis.url()})
        assert receiver.post("/" + TOKEN, event("run_redis")) == 204
        message = b""
        while b"run_redis" not in message:
            message += subscriber.recv(4096)
        payload = json.loads(message[message.index(b"{\"") : message.rindex(b"}") + 1])
        assert payload["run_id"] == "run_redis" and payload["event"] == "run_completed"
        assert receiver.stop() == 0
        log = receiver.log()
        assert "published run_completed for run run_redis" in log
        assert "webhook-redis-secret" not in log and TOKEN not in log
    finally:
        subscriber.close()
        if receiver and receiver.process.poll() is None:
            receiver.process.kill()
        redis.close()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_keeps_serving_with_flat_memory_under_a_flood_of_forged_events(duvo, runtime):
    receiver = Receiver(duvo, runtime)
    forged = [token_for(f"dv_forger_{n}")
              for n in range(8)]

    def flood(count: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", receiver.port, timeout=10)
        for n in range(count):
            connection.request("POST", "/" + forged[n % 8], body=event(f"run_{n}"))
            response = connection.getresponse()
            response.read()
            assert response.status == 404
        connection.close()

    try:
        flood(500)  # the first requests grow the heap to its working size
        warm = rss_kib(receiver.process.pid)
        for _ in range(4):
            flood(1000)
        grown = rss_kib(receiver.process.pid) - warm
        assert grown < 4096, f"RSS grew {grown} KiB over 4,000 forged events"
        assert receiver.post("/" + TOKEN, event("run_after_flood")) == 204
        assert receiver.received()["run_id"] == "run_after_flood", "nothing forged was published"
    finally:
        receiver.stop()


def test_connections_beyond_the_limit_are_refused_and_serving_resumes(duvo, runtime):
    receiver = Receiver(duvo, runtime)
    idle = []
    try:
        for _ in range(256):
            idle.append(socket.create_connection(("127.0.0.1", receiver.port), timeout=10))
        over = socket.create_connection(("127.0.0.1", receiver.port), timeout=10)
        assert over.recv(64).startswith(b"HTTP/1.1 503"), "the 257th connection is refused at once"
        over.close()
        for connection in idle:
            connection.close()
        idle.clear()
        deadline = time.monotonic() + 10
        status = None
        while time.monotonic() < deadline:
            try:
                status = receiver.post("/" + TOKEN, event("run_after"))
            except OSError:
                status = None
            if status == 204:
                break
            time.sleep(0.05)
        assert status == 204
        assert receiver.received()["run_id"] == "run_after"
        assert receiver.stop() == 0
    finally:
        for connection in idle:
            connection.close()
        if receiver.process.poll() is None:
            receiver.process.kill()


def test_redis_down_answers_still_and_warns_once_then_publishes_again(duvo, runtime):
    redis = RedisChild()
    receiver = Receiver(duvo, runtime, env={"DUVO_COORDINATION": redis.url()})
    try:
        redis.stop()
        for n in range(5):
            assert receiver.post("/" + TOKEN, event(f"run_lost_{n}")) == 204, "Duvo is answered whatever Redis does"
        redis.start()
        channel = "duvo:{" + keyed_name(API_KEY, "webhooks") + "}:webhooks"
        subscriber = socket.create_connection(("127.0.0.1", redis.port), timeout=10)
        subscriber.sendall(resp_command("SUBSCRIBE", channel))
        confirmed = b""
        while not confirmed.endswith(b":1\r\n"):
            confirmed += subscriber.recv(4096)
        message = b""
        deadline = time.monotonic() + 10
        while b"run_back" not in message and time.monotonic() < deadline:
            # The first command after the outage may still find the old connection gone; the next reconnects.
            assert receiver.post("/" + TOKEN, event("run_back")) == 204
            subscriber.settimeout(1)
            try:
                message += subscriber.recv(4096)
            except TimeoutError:
                pass
        subscriber.close()
        assert b"run_back" in message
        assert receiver.stop() == 0
        log = receiver.log()
        assert log.count("cannot publish events") == 1, log
        assert "publishing again" in log
    finally:
        if receiver.process.poll() is None:
            receiver.process.kill()
        redis.close()
