"""Small misbehaving HTTP front ends for the upstream-failure suite, on real loopback sockets and free ports.

Each stands where Duvo (or a proxy before it) would be and misbehaves in one way a user meets in production: it
closes every connection without an answer, answers 502 with an HTML page, never answers, or echoes the request's
Authorization header into a 401 error body. Every request line it receives is recorded, so a test can count the
POSTs that reached it (a write must never be sent twice).
"""

from __future__ import annotations

import json
import socket
import threading


class FrontEnd:
    """A threaded HTTP/1.1 listener on 127.0.0.1 (port 0) answering every request with `behaviour`:
    "close", "html502", "stall" or "reflect"."""

    PAGE_502 = (b"<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway"
                b"</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n</html>\r\n")

    def __init__(self, behaviour: str):
        self.behaviour = behaviour
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self._server.listen(64)
        self.url = f"http://127.0.0.1:{self._server.getsockname()[1]}"
        self._held: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def posts(self) -> int:
        with self._lock:
            return sum(1 for line in self.requests if line.startswith("POST "))

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _read_request(self, conn: socket.socket, buffer: bytes) -> tuple[bytes, dict[str, str], bytes] | None:
        while b"\r\n\r\n" not in buffer:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            buffer += chunk
        head, _, rest = buffer.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        while len(rest) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return None
            rest += chunk
        with self._lock:
            self.requests.append(lines[0])
        return head, headers, rest[length:]

    def _serve(self, conn: socket.socket) -> None:
        buffer = b""
        try:
            while True:
                request = self._read_request(conn, buffer)
                if request is None:
                    return
                _, headers, buffer = request
                if self.behaviour == "close":
                    return
                if self.behaviour == "stall":
                    with self._lock:
                        self._held.append(conn)
                    self._stop.wait()
                    return
                if self.behaviour == "html502":
                    conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n"
                                 % len(self.PAGE_502) + self.PAGE_502)
                else:
                    token = headers.get("authorization", "")
                    body = json.dumps({"error": "unauthorized", "message": f"invalid token {token}"}).encode()
                    conn.sendall(b"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\n"
                                 b"X-Echo: %s\r\nContent-Length: %d\r\n\r\n" % (token.encode(), len(body)) + body)
        except OSError:
            return
        finally:
            if self.behaviour != "stall" or self._stop.is_set():
                conn.close()

    def stop(self) -> None:
        self._stop.set()
        self._server.close()
        with self._lock:
            for conn in self._held:
                conn.close()
