"""A one-request-per-connection HTTP/1.1 listener on 127.0.0.1 for servers a test writes to misbehave on purpose."""

from __future__ import annotations

import socket
import threading
from typing import Callable

# (method, target, headers with lower-case names, body) -> the whole response to send before closing.
Handler = Callable[[str, str, dict[str, str], bytes], bytes]


def response(status: str, body: bytes, content_type: str = "application/json", extra: str = "") -> bytes:
    """A complete HTTP/1.1 response that closes the connection; `extra` is more header lines, each ending CRLF."""
    return (f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nConnection: close\r\n{extra}"
            f"Content-Length: {len(body)}\r\n\r\n").encode("latin-1") + body


class LoopbackServer:
    """Reads one request per connection (head and `Content-Length` body) and answers it with `handler`'s bytes."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(32)
        self.port = self.server.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
            while len(body) < int(headers.get("content-length", "0")):
                chunk = conn.recv(65536)
                if not chunk:
                    return
                body += chunk
            method, target = (lines[0].split(" ") + ["", ""])[:2]
            conn.sendall(self.handler(method, target, headers, body))

    def stop(self) -> None:
        self.server.close()
