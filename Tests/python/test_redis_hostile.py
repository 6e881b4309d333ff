"""A Redis that speaks malformed or slow RESP is treated like a Redis that is down (issue 19 item 2): real `duvo rpc`
processes coordinating through a fake Redis on loopback that answers every command with one hostile reply. The
bridge neither crashes nor hangs; it warns once (naming the command and the reply's type, never the reply) and keeps
answering with local coordination."""

from __future__ import annotations

import shutil
import socket
import tempfile
import threading
import time

import pytest

from reliability_harness import RPCChild, SimChild, rss_kib, unique_key


class HostileRedis:
    """Loopback server: reads a command on each connection, then sends `prefix` and, with `filler`, that byte string
    again and again (every `interval` seconds, or as fast as the client reads), until the client hangs up."""

    def __init__(self, prefix: bytes, filler: bytes = b"", interval: float = 0.0):
        self.prefix, self.filler, self.interval = prefix, filler, interval
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.stopped = False
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _accept(self) -> None:
        while not self.stopped:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            try:
                if not conn.recv(65536):
                    return
                conn.sendall(self.prefix)
                while not self.stopped:
                    if self.filler:
                        conn.sendall(self.filler)
                        if self.interval:
                            time.sleep(self.interval)
                    elif not conn.recv(65536):
                        return
            except OSError:
                return

    def stop(self) -> None:
        self.stopped = True
        self.listener.close()


HOSTILE = {
    "huge bulk length": dict(prefix=b"$9223372036854775807\r\n"),
    "arrays 10,000 deep": dict(prefix=b"*1\r\n" * 10_000 + b":1\r\n"),
    "one byte every 0.5 s": dict(prefix=b"+", filler=b"x", interval=0.5),
    "endless bulk string": dict(prefix=b"$4000000\r\n", filler=b"x" * 65536),
    "endless simple string": dict(prefix=b"+", filler=b"x" * 65536),
    "array of 100,000,000": dict(prefix=b"*100000000\r\n", filler=b":1\r\n" * 16384),
}


@pytest.mark.parametrize("case", list(HOSTILE))
def test_a_hostile_redis_is_treated_like_one_that_is_down(case):
    key = unique_key()
    sim = SimChild(key, ["--speed", "50"])
    redis = HostileRedis(**HOSTILE[case])
    runtime_dir = tempfile.mkdtemp(prefix="duvo-rt-")
    bridge = RPCChild(sim.url, key, rate_limit=300,
                      env_extra={"DUVO_RUNTIME_DIR": runtime_dir, "DUVO_COORDINATION": redis.url,
                                 "DUVO_LOG_LEVEL": "debug"})
    try:
        for _ in range(4):
            answer = bridge.call("runs/list", {"limit": 1}, timeout=60)
            assert "result" in answer, f"the bridge keeps answering with local coordination: {answer}"
        assert redis.connections >= 1, "the bridge did try the fake Redis"
        assert bridge.proc.poll() is None, "the bridge is alive"
        assert rss_kib(bridge.pid)["VmHWM"] < 200 * 1024, "memory stayed bounded"
        # The warning is written before the answer it precedes, but stderr is read by a thread of ours that may lag
        # on a loaded machine: wait for it to catch up (the final debug line of the fourth call) before counting.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and bridge.stderr.bytes().count(b"<- request 'runs/list'") < 4:
            time.sleep(0.05)
        text = bridge.stderr.bytes().decode(errors="replace")
        warnings = [line for line in text.splitlines() if "carrying on with" in line]
        assert len(warnings) == 1, f"one warning for the outage:\n{text}"
        warning = warnings[0]
        assert "redis://127.0.0.1" in warning and "SCRIPT LOAD: the reply (" in warning, warning
        assert len(warning) < 400 and "xxx" not in warning, "the warning names the reply's type, not the reply"
        assert all(len(line) < 1000 for line in text.splitlines()), "no log line holds a reply"
    finally:
        bridge.kill()
        redis.stop()
        sim.stop()
        shutil.rmtree(runtime_dir, ignore_errors=True)
