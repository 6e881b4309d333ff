"""Secrets stay out of every output, in every encoding a reader would undo.

An upstream written here echoes what it was sent the way careless servers do: the API key with every character as a
JSON `\\uXXXX` escape, PHP's `\\/`, escaped quotes and backslashes (the key holds `"`, `\\` and `/`), base64 of the key
and of the whole `Authorization` value, percent-encoded, as HTML character references in a page title, and the
`Proxy-Authorization` header (base64 of `puser:password`) it received as the proxy in front of the base URL. None of
them may appear in `duvo rpc`'s JSON-RPC errors, its MCP tool results or its trace log, nor in `duvo runs` output.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import urllib.parse
import uuid

import pytest

from duvo_binary import duvo_bin
from loopback_server import LoopbackServer, response
from reliability_harness import RPCChild

PROXY_USER = "puser"
PROXY_PASSWORD = f"pw-{secrets.token_hex(6)}"
AMBIENT = ["http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
           "NO_PROXY"]


def unicode_escaped(text: str) -> str:
    return "".join(f"\\u{ord(c):04x}" for c in text)


def php_escaped(text: str) -> str:
    return json.dumps(text)[1:-1].replace("/", "\\/")


def html_decimal(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def html_hex(text: str) -> str:
    return "".join(f"&#x{ord(c):x};" for c in text)


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def echo_credentials(method: str, target: str, headers: dict[str, str], body: bytes) -> bytes:
    """Stands where the proxy (and Duvo behind it) would be: 401 with a JSON body echoing the credentials it got,
    or, for a run id starting with zeros, a 502 HTML page whose title does."""
    key = headers.get("authorization", "").removeprefix("Bearer ")
    proxy = headers.get("proxy-authorization", "")
    if "/runs/00000000" in target:
        page = (f"<html><head><title>Bad key {html_decimal(key)} or {html_hex(key)}</title></head>"
                f"<body>{b64(key)}</body></html>").encode()
        return response("502 Bad Gateway", page, "text/html")
    literal = json.dumps(f" b64 {b64(key)} header {b64('Bearer ' + key)} pct {urllib.parse.quote(key, safe='')} "
                         f"html {html_decimal(key)} proxy {proxy}")[1:-1]
    message = f"token {unicode_escaped(key)} php {php_escaped(key)}{literal}"
    return response("401 Unauthorized", ('{"error":"unauthorized","message":"' + message + '"}').encode())


def forbidden(key: str) -> list[str]:
    """Every form of a secret that must not be shown."""
    pair = f"{PROXY_USER}:{PROXY_PASSWORD}"
    forms = [key, json.dumps(key)[1:-1], unicode_escaped(key), php_escaped(key), b64(key),
             b64("Bearer " + key)[12:40], urllib.parse.quote(key, safe=""), html_decimal(key), html_hex(key),
             PROXY_PASSWORD, b64(pair)]
    return forms + [form.replace("\\", "\\\\") for form in forms]


def assert_clean(output: str | bytes, key: str) -> None:
    text = output.decode(errors="replace") if isinstance(output, bytes) else output
    leaked = [form for form in forbidden(key) if form in text]
    assert not leaked, f"shown: {leaked} in {text[-3000:]}"


@pytest.fixture
def upstream(monkeypatch):
    for name in AMBIENT:
        monkeypatch.delenv(name, raising=False)
    server = LoopbackServer(echo_credentials)
    yield server
    server.stop()


def environment(upstream: LoopbackServer, key: str) -> dict[str, str]:
    return {"HTTP_PROXY": f"http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{upstream.port}",
            "DUVO_BASE_URL": "http://127.0.0.1:9", "DUVO_API_KEY": key}


def make_key() -> str:
    return f"dv_{secrets.token_hex(12)}\"q\\w/e"


def test_rpc_errors_tool_results_and_trace_logs_show_no_encoding_of_a_secret(upstream):
    key = make_key()
    env = environment(upstream, key)
    rpc = RPCChild(None, None, extra=["--log-level", "trace"], env_extra={**env, "DUVO_TEAM_ID": "t"})
    try:
        error = rpc.call("runs/get", {"run_id": str(uuid.uuid4())})["error"]
        assert "[redacted]" in error["data"]["message"], error
        assert_clean(json.dumps(error), key)
        page = rpc.call("runs/get", {"run_id": "00000000-" + str(uuid.uuid4())[9:]})["error"]
        assert "[redacted]" in page["message"], page
        rpc.result("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                                  "clientInfo": {"name": "test", "version": "1"}})
        rpc.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        tool = rpc.result("tools/call", {"name": "duvo_get_run", "arguments": {"run_id": str(uuid.uuid4())}})
        assert tool["isError"] is True and "[redacted]" in tool["content"][0]["text"], tool
        assert rpc.close_and_wait(timeout=60) == 0
    finally:
        rpc.kill()
    assert_clean(rpc.output(), key)


def test_cli_output_shows_no_encoding_of_a_secret(upstream):
    key = make_key()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
    env.update(environment(upstream, key), DUVO_TEAM_ID="t", NO_COLOR="1")
    for run_id in (str(uuid.uuid4()), "00000000-" + str(uuid.uuid4())[9:]):
        for flags in ([], ["--json"]):
            done = subprocess.run([duvo_bin(), "runs", "get", run_id, "--log-level", "trace", *flags], env=env,
                                  capture_output=True, timeout=60)
            assert done.returncode != 0 and b"[redacted]" in done.stderr, done
            assert_clean(done.stdout + done.stderr, key)
