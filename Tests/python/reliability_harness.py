"""Child processes for the reliability suites: `duvo sim` and `duvo rpc` over real pipes, each with a unique API key.

`RPCChild` writes raw bytes or messages in either framing and decodes everything the child writes to stdout on a
reader thread, keeping the raw bytes too, so a test can check that stdout held frames only and that the key appears in
no output. Nothing here measures time: waits have generous limits and only guard against a hang.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import threading
import time

import pytest

from duvo_binary import duvo_bin

TEAM = "reliability-team"


def unique_key() -> str:
    """A fresh API key, so a test can grep every output for it."""
    return f"dv_rel_{secrets.token_hex(16)}"


def rss_kib(pid: int) -> dict[str, int]:
    """VmRSS and VmHWM (peak) of a live process, in KiB."""
    values: dict[str, int] = {}
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount = line.split(":", 1)
                values[name] = int(amount.split()[0])
    return values


class _Drain(threading.Thread):
    """Reads a pipe to its end on its own thread, handing each chunk to `on_chunk` and keeping every byte."""

    def __init__(self, pipe, on_chunk=None):
        super().__init__(daemon=True)
        self.pipe, self.on_chunk = pipe, on_chunk
        self.data = bytearray()
        self.lock = threading.Lock()
        self.start()

    def run(self) -> None:
        fd = self.pipe.fileno()
        while True:
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            with self.lock:
                self.data += chunk
            if self.on_chunk:
                self.on_chunk(chunk)

    def bytes(self) -> bytes:
        with self.lock:
            return bytes(self.data)


class SimChild:
    """`duvo sim --port 0` with one key bound to TEAM; its stderr is kept for log checks."""

    def __init__(self, key: str, extra: list[str] | None = None):
        args = [duvo_bin(), "sim", "--port", "0", "--api-key", f"{key}:{TEAM}", *(extra or [])]
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.url = self.proc.stdout.readline().decode().strip()
        self.stdout = _Drain(self.proc.stdout)
        self.stderr = _Drain(self.proc.stderr)
        if not self.url.startswith("http://"):
            self.stop()
            raise RuntimeError(f"duvo sim did not start: {self.stderr.bytes()[-2000:]!r}")

    def output(self) -> bytes:
        return self.url.encode() + b"\n" + self.stdout.bytes() + self.stderr.bytes()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.stdout.join(timeout=5)
        self.stderr.join(timeout=5)


@pytest.fixture(scope="module")
def sim():
    """A fast, unlimited simulator for a test module, with its key: `(SimChild, key)`. Import it to use it.

    On teardown it checks that the key never appeared in the simulator's own output either."""
    key = unique_key()
    child = SimChild(key, ["--rate-limit", "0", "--speed", "50"])
    yield child, key
    child.stop()
    assert key.encode() not in child.output(), "the API key must not appear in the simulator's output"


class RPCChild:
    """`duvo rpc` talking to `base_url` with `key`, driven in `framing` ("ndjson" or "lsp")."""

    def __init__(self, base_url: str | None, key: str | None, framing: str = "ndjson", extra: list[str] | None = None,
                 rate_limit: int = 0, env_extra: dict[str, str] | None = None):
        env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
        env["NO_COLOR"] = "1"
        env.update(env_extra or {})
        if base_url:
            env.update(DUVO_BASE_URL=base_url, DUVO_TEAM_ID=TEAM)
        if key:
            env["DUVO_API_KEY"] = key
        args = [duvo_bin(), "rpc", "--framing", framing, "--rate-limit", str(rate_limit), *(extra or [])]
        self.framing = framing
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env)
        self.pid = self.proc.pid
        self.frames: list = []
        self.undecodable: list[bytes] = []
        self._pending = b""
        self._cond = threading.Condition()
        self.stdout = _Drain(self.proc.stdout, self._on_stdout)
        self.stderr = _Drain(self.proc.stderr)
        self._next_id = 0

    # Reading ---------------------------------------------------------------------------------------------------

    def _on_stdout(self, chunk: bytes) -> None:
        with self._cond:
            self._pending += chunk
            for payload in self._split():
                try:
                    self.frames.append(json.loads(payload))
                except ValueError:
                    self.undecodable.append(payload)
            self._cond.notify_all()

    def _split(self):
        while True:
            if self.framing == "ndjson":
                line, sep, rest = self._pending.partition(b"\n")
                if not sep:
                    return
                self._pending = rest
                if line.strip():
                    yield line
            else:
                head, sep, rest = self._pending.partition(b"\r\n\r\n")
                if not sep:
                    return
                match = re.search(rb"Content-Length: *(\d+)", head, re.IGNORECASE)
                length = int(match.group(1)) if match else 0
                if len(rest) < length:
                    return
                self._pending = rest[length:]
                yield rest[:length]

    def wait_for(self, predicate, timeout: float = 60):
        """The first frame satisfying `predicate`; fails after `timeout` seconds (a hang, not a measurement)."""
        deadline = time.monotonic() + timeout
        seen = 0
        with self._cond:
            while True:
                for frame in self.frames[seen:]:
                    if predicate(frame):
                        return frame
                seen = len(self.frames)
                left = deadline - time.monotonic()
                if left <= 0 or self._finished() and not self.frames[seen:]:
                    raise AssertionError(f"no such frame; stderr tail: {self.stderr.bytes()[-1500:]!r}")
                self._cond.wait(timeout=min(left, 0.5))

    def frame_at(self, index: int, timeout: float = 60):
        """The `index`-th frame the child wrote, waiting for it (to read frames in order with a cursor)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while len(self.frames) <= index:
                left = deadline - time.monotonic()
                if left <= 0 or self._finished():
                    raise AssertionError(f"no frame {index}; stderr tail: {self.stderr.bytes()[-1500:]!r}")
                self._cond.wait(timeout=min(left, 0.5))
            return self.frames[index]

    def wait_count(self, predicate, count: int, timeout: float = 120) -> list:
        """Waits until `count` frames satisfy `predicate` and returns them."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                matching = [f for f in self.frames if predicate(f)]
                if len(matching) >= count:
                    return matching
                left = deadline - time.monotonic()
                if left <= 0 or self._finished():
                    raise AssertionError(f"{len(matching)} of {count} frames; stderr: {self.stderr.bytes()[-1500:]!r}")
                self._cond.wait(timeout=min(left, 0.5))

    def _finished(self) -> bool:
        return self.proc.poll() is not None and not self.stdout.is_alive()

    def snapshot(self) -> list:
        with self._cond:
            return list(self.frames)

    # Writing ---------------------------------------------------------------------------------------------------

    def frame_bytes(self, payload: bytes) -> bytes:
        """`payload` framed the way this child was told to read."""
        if self.framing == "ndjson":
            return payload + b"\n"
        return b"Content-Length: %d\r\n\r\n" % len(payload) + payload

    def send_raw(self, data: bytes) -> None:
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, message) -> None:
        self.send_raw(self.frame_bytes(json.dumps(message, separators=(",", ":")).encode()))

    def call(self, method: str, params=None, timeout: float = 120):
        """Sends a request and returns its whole answer frame."""
        self._next_id += 1
        request_id = f"call-{self._next_id}"
        message = {"jsonrpc": "2.0", "id": request_id, "method": method}
        if params is not None:
            message["params"] = params
        self.send(message)
        return self.wait_for(lambda f: isinstance(f, dict) and f.get("id") == request_id
                             and ("result" in f or "error" in f), timeout)

    def result(self, method: str, params=None, timeout: float = 120):
        """Sends a request and returns its result; fails on an error answer."""
        answer = self.call(method, params, timeout)
        assert "error" not in answer, f"{method} failed: {answer['error']}"
        return answer["result"]

    # Ending ----------------------------------------------------------------------------------------------------

    def close_and_wait(self, timeout: float = 60) -> int:
        """Closes stdin and returns the exit status (fails if the process does not end: a hang)."""
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        return self.wait(timeout)

    def wait(self, timeout: float = 60) -> int:
        try:
            status = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("duvo rpc did not exit: it hung")
        self.stdout.join(timeout=10)
        self.stderr.join(timeout=10)
        return status

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def output(self) -> bytes:
        return self.stdout.bytes() + self.stderr.bytes()


def answers(frames: list) -> list[dict]:
    """Every answer (result or error) in `frames`, batch answers flattened."""
    out = []
    for frame in frames:
        for item in frame if isinstance(frame, list) else [frame]:
            if isinstance(item, dict) and ("result" in item or "error" in item):
                out.append(item)
    return out


def id_key(value) -> tuple:
    """A hashable key for a JSON-RPC id that keeps 1, 1.0, true and "1" apart."""
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int):
        return ("i", value)
    if isinstance(value, str):
        return ("s", value)
    if value is None:
        return ("n", None)
    return ("o", json.dumps(value, sort_keys=True))
