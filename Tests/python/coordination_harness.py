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
    """`redis-server` on a free loopback port, no persistence, own directory; stop() kills it like a crash.

    With `tls` (a `frontends.pki.TestPKI`) it listens for TLS only (`--tls-port`, `--port 0`) with the PKI's server
    certificate; with `user` that ACL user (all keys and commands) holds `password` and the default user is off."""

    def __init__(self, password: str | None = None, user: str | None = None, tls=None):
        if not shutil.which("redis-server"):
            raise RuntimeError("redis-server is missing: apt-get install redis-server (see .ci/run)")
        self.password, self.user, self.tls = password, user, tls
        self.port = free_port()
        self.dir = tempfile.mkdtemp(prefix="duvo-redis-")
        self.proc: subprocess.Popen | None = None
        self.start()

    def url(self, db: int = 0, password: str | None = None, host: str = "127.0.0.1") -> str:
        secret = password or self.password
        auth = f"{self.user or ''}:{secret}@" if secret else ""
        return f"{'rediss' if self.tls else 'redis'}://{auth}{host}:{self.port}/{db}"

    def start(self) -> None:
        # With TLS also on 127.0.0.2, an address the server's certificate does not name.
        bind = ["127.0.0.1", "127.0.0.2"] if self.tls else ["127.0.0.1"]
        args = ["redis-server", "--bind", *bind, "--save", "", "--appendonly", "no",
                "--dir", self.dir, "--logfile", os.path.join(self.dir, "redis.log")]
        if self.tls:
            args += ["--port", "0", "--tls-port", str(self.port), "--tls-cert-file", str(self.tls.server_certificate),
                     "--tls-key-file", str(self.tls.server_key), "--tls-ca-cert-file", str(self.tls.ca),
                     "--tls-auth-clients", "no"]
        else:
            args += ["--port", str(self.port)]
        if self.user:
            args += ["--user", self.user, "on", f">{self.password}", "~*", "&*", "+@all", "--user", "default", "off"]
        elif self.password:
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

    def cli(self, *command: str) -> str:
        """Runs one command with `redis-cli` (the password passed in its environment, never on its command line)."""
        args = ["redis-cli", "-p", str(self.port), "--no-auth-warning"]
        if self.tls:
            args += ["--tls", "--cacert", str(self.tls.ca)]
        if self.user:
            args += ["--user", self.user]
        env = {**os.environ, "REDISCLI_AUTH": self.password} if self.password else None
        return subprocess.run([*args, *command], capture_output=True, text=True, timeout=30, env=env).stdout

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
