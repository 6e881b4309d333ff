"""Pieces for the coordination suites: a real `redis-server` on a free port, a private runtime directory per test,
and counting what reached the simulator from its debug log (the requests on the wire, and which were refused)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import tempfile
import time


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class RedisChild:
    """`redis-server` on a free loopback port, no persistence, own directory; stop() kills it like a crash."""

    def __init__(self, password: str | None = None):
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is missing: apt-get install redis-server (see .ci/run)")
        self.password = password
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="duvo-redis-")
        self.proc: subprocess.Popen | None = None
        self.start()

    def url(self, db: int = 0) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/{db}"

    def start(self) -> None:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")]
        if self.password:
            args += ["--requirepass", self.password]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.05)
        raise RuntimeError(f"redis-server did not come up on {self.port}")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


def wire_statuses(sim_log: str) -> list[int]:
    """The status of every request the simulator answered, in order (it logs them at debug level)."""
    return [int(s) for s in re.findall(r"debug: (?:GET|POST|PUT|DELETE) \S+ -> (\d+)", sim_log)]


def busiest_window(times: list[float], window: float = 60.0) -> int:
    """The most sends within any `window` seconds."""
    times = sorted(times)
    best, start = 0, 0
    for end, moment in enumerate(times):
        while moment - times[start] >= window:
            start += 1
        best = max(best, end - start + 1)
    return best
