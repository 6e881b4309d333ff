"""Real front ends started by tests on free loopback ports, each from a config in a temporary folder (no root paths):

- `NginxTLS`: nginx (Debian's nginx-light) terminating TLS with HTTP/2 and gzip in front of an http upstream such as
  `duvo sim`; its access log records the protocol and gzip ratio of every request.
- `TinyProxy`: tinyproxy as a forward proxy (CONNECT for https, absolute URIs for http) with Basic credentials.

Both are context managers; `stop()` ends the process they started and nothing else.
"""

from __future__ import annotations

import socket
import subprocess
import time
from pathlib import Path
from typing import Callable


def free_port() -> int:
    """A loopback port free at the time of asking (servers that need a port in their config get it this way)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _read(path: Path) -> str:
    try:
        return path.read_text(errors="replace")
    except OSError:
        return ""


class _Server:
    """A server process that listens on a port written into its config."""

    process: subprocess.Popen | None = None
    port = 0

    def _launch(self, name: str, log: Path, command_for_port: Callable[[int], list[str]]) -> None:
        """Starts the server on a free port and returns once it accepts connections. The port is chosen before the
        server binds it, so another process may take it in between: then the server fails and we try another."""
        for attempt in range(5):
            self.port = free_port()
            self.process = subprocess.Popen(command_for_port(self.port), stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            if self._wait_listening(limit=30):
                return
            self.stop()
        raise RuntimeError(f"{name} did not start: {_read(log)[-2000:]}")

    def _wait_listening(self, limit: float) -> bool:
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return True
            except OSError:
                time.sleep(0.05)  # no event tells us a foreign process has bound its port
        return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


NGINX_CONF = """
worker_processes 1;
daemon off;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
events {{ worker_connections 512; }}
http {{
    log_format duvo '$server_protocol $status $gzip_ratio "$request"';
    access_log {dir}/access.log duvo;
    client_body_temp_path {dir}/temp/body;
    proxy_temp_path {dir}/temp/proxy;
    fastcgi_temp_path {dir}/temp/fastcgi;
    uwsgi_temp_path {dir}/temp/uwsgi;
    scgi_temp_path {dir}/temp/scgi;
    gzip on;
    gzip_types application/json;
    gzip_min_length 0;
    gzip_proxied any;
    upstream duvo {{ server {upstream}; keepalive 16; }}
    server {{
        listen 127.0.0.1:{port} ssl http2;
        ssl_certificate {certificate};
        ssl_certificate_key {key};
        location / {{
            proxy_pass http://duvo;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header Host $http_host;
            proxy_buffering off;
            proxy_read_timeout 300s;
        }}
    }}
}}
"""


class NginxTLS(_Server):
    """nginx with TLS (the given certificate), HTTP/2 and gzip, proxying every path to `upstream` (http://host:port).

    `url` is `https://localhost:<port>`; `access_log()` returns lines `<protocol> <status> <gzip ratio> "<request>"`."""

    def __init__(self, directory: Path, upstream: str, certificate: Path, key: Path):
        self.directory = Path(directory)
        (self.directory / "temp").mkdir(parents=True, exist_ok=True)
        config = self.directory / "nginx.conf"

        def command(port: int) -> list[str]:
            config.write_text(NGINX_CONF.format(dir=self.directory, port=port, certificate=certificate, key=key,
                                                upstream=upstream.split("://", 1)[-1].rstrip("/")))
            return ["nginx", "-p", str(self.directory), "-c", str(config), "-e", str(self.directory / "error.log")]

        self._launch("nginx", self.directory / "error.log", command)
        self.url = f"https://localhost:{self.port}"

    def access_log(self) -> list[str]:
        return _read(self.directory / "access.log").splitlines()


class TinyProxy(_Server):
    """tinyproxy on a free loopback port requiring Basic credentials `user`:`password`.

    `url` is `http://user:password@127.0.0.1:<port>`; `log()` is tinyproxy's log (a line per connection and
    request)."""

    def __init__(self, directory: Path, user: str, password: str):
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True)
        config = self.directory / "tinyproxy.conf"

        def command(port: int) -> list[str]:
            config.write_text(f"Port {port}\nListen 127.0.0.1\nTimeout 120\nMaxClients 64\n"
                              f"BasicAuth {user} {password}\nLogFile \"{self.directory}/tinyproxy.log\"\n"
                              f"PidFile \"{self.directory}/tinyproxy.pid\"\nLogLevel Connect\n")
            return ["tinyproxy", "-d", "-c", str(config)]

        self._launch("tinyproxy", self.directory / "tinyproxy.log", command)
        self.url = f"http://{user}:{password}@127.0.0.1:{self.port}"

    def log(self) -> str:
        return _read(self.directory / "tinyproxy.log")
