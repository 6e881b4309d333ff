"""The transport real users get, end to end: `duvo` against `duvo sim` behind real front ends started here.

- nginx terminating TLS (HTTP/2, gzip) with a certificate from a CA made by the test and trusted through
  SSL_CERT_FILE only: the core `duvo rpc` methods, a follow to its end, and the CLI work, and nginx's log shows HTTP/2
  and gzip were used;
- a certificate from a CA nobody trusts fails at once (no retries) with the reason and the variables that fix it;
- tinyproxy with Basic credentials: CONNECT for an https base URL (HTTPS_PROXY) and plain forwarding for an http one
  (HTTP_PROXY); the proxy sees the traffic and its password appears in no output, even when it is wrong.
"""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from duvo_binary import duvo_bin, sim_agent
from frontends.pki import TestPKI
from frontends.servers import NginxTLS, TinyProxy
from reliability_harness import TEAM, RPCChild, sim  # noqa: F401  (sim is a fixture)

# Trust and proxy settings a machine (or CI image) may carry; each test states exactly the ones it means.
AMBIENT = ["SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "DUVO_CA_FILE", "http_proxy", "HTTP_PROXY",
           "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY"]
PROXY_PASSWORD = "pr0xy-s3cret-pw"


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> TestPKI:
    return TestPKI(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def front(sim, pki, tmp_path_factory):  # noqa: F811
    """nginx with TLS, HTTP/2 and gzip in front of the module's simulator: `(NginxTLS, key)`."""
    child, key = sim
    with NginxTLS(tmp_path_factory.mktemp("nginx"), child.url, pki.server_certificate, pki.server_key) as nginx:
        yield nginx, key


@pytest.fixture(scope="module")
def proxy(tmp_path_factory):
    with TinyProxy(tmp_path_factory.mktemp("tinyproxy"), "duvo", PROXY_PASSWORD) as server:
        yield server


@pytest.fixture
def clean_env(monkeypatch):
    """Clears ambient trust and proxy settings; returns monkeypatch to set the ones a test means."""
    for name in AMBIENT:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def run_cli(args: list[str], base_url: str, key: str, timeout: float = 120, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
    env.update(DUVO_BASE_URL=base_url, DUVO_API_KEY=key, DUVO_TEAM_ID=TEAM, NO_COLOR="1", **extra)
    return subprocess.run([duvo_bin(), "runs", *args], env=env, capture_output=True, text=True, timeout=timeout)


def wait_for_request(rpc: RPCChild, run_id: str) -> dict:
    waited = rpc.result("runs/wait", {"run_id": run_id, "until": "attention", "timeout_s": 120})
    assert waited["pending_human_request"], waited
    return waited["pending_human_request"]


def test_core_methods_answer_through_tls_with_http2_and_gzip(front, pki, clean_env):
    nginx, key = front
    clean_env.setenv("SSL_CERT_FILE", str(pki.ca))
    rpc = RPCChild(nginx.url, key)
    try:
        started = rpc.result("runs/start", {"agent_id": sim_agent("approval"), "message": "over tls"})["run"]
        assert rpc.result("runs/get", {"run_id": started["id"]})["run"]["id"] == started["id"]
        pending = wait_for_request(rpc, started["id"])
        rpc.result("runs/respond", {"run_id": started["id"], "request_id": pending["id"], "approved": True})
        done = rpc.result("runs/wait", {"run_id": started["id"], "timeout_s": 120})
        assert done["run"]["status"] in ("completed", "failed"), done
        rpc.result("runs/sendMessage", {"run_id": started["id"], "message": "and once more"})
        messages = rpc.result("runs/messages", {"run_id": started["id"], "all": True})["messages"]
        assert any("and once more" in str(m) for m in messages)

        slow = rpc.result("runs/start", {"agent_id": sim_agent("slow"), "message": "to be stopped"})["run"]
        rpc.result("runs/stop", {"run_id": slow["id"]})
        assert rpc.result("runs/wait", {"run_id": slow["id"], "timeout_s": 120})["run"]["status"] == "stopped"

        # A burst in flight at once: every exchange the engine thread drives completes, each once.
        for i in range(64):
            rpc.send({"jsonrpc": "2.0", "id": f"burst-{i}", "method": "runs/get", "params": {"run_id": started["id"]}})
        burst = rpc.wait_count(lambda f: isinstance(f, dict) and str(f.get("id", "")).startswith("burst-"), 64)
        assert sorted(f["id"] for f in burst) == sorted(f"burst-{i}" for i in range(64))
        assert all(f["result"]["run"]["id"] == started["id"] for f in burst)

        listed = rpc.result("runs/list", {"limit": 100})["data"]
        assert {started["id"], slow["id"]} <= {run["id"] for run in listed}
        assert rpc.close_and_wait() == 0
    finally:
        rpc.kill()
    assert key.encode() not in rpc.output()
    log = nginx.access_log()
    assert log and all(line.startswith("HTTP/2.0 ") for line in log), log[-5:]
    # $gzip_ratio is "-" for an answer nginx did not compress.
    assert any(line.split()[2] != "-" for line in log if " 200 " in line), log[-5:]


def test_a_follow_delivers_every_message_to_the_end_through_tls(front, pki, clean_env):
    nginx, key = front
    clean_env.setenv("SSL_CERT_FILE", str(pki.ca))
    rpc = RPCChild(nginx.url, key)
    try:
        answer = rpc.result("runs/start", {"agent_id": sim_agent("chatty"), "message": "follow me", "follow": True})
        subscription, run_id = answer["subscription"], answer["run"]["id"]
        ended = rpc.wait_for(lambda f: isinstance(f, dict) and f.get("method") == "runs/followEnded"
                             and f["params"]["subscription"] == subscription, timeout=300)
        assert ended["params"]["reason"] == "terminal"
        delivered = [f["params"]["message"]["id"] for f in rpc.snapshot() if isinstance(f, dict)
                     and f.get("method") == "runs/message" and f["params"]["subscription"] == subscription]
        final = rpc.result("runs/messages", {"run_id": run_id, "all": True})["messages"]
        assert delivered == [m["id"] for m in final] and delivered
        assert rpc.close_and_wait() == 0
    finally:
        rpc.kill()


def test_the_cli_starts_and_gets_a_run_through_tls(front, pki, clean_env):
    nginx, key = front
    clean_env.setenv("SSL_CERT_FILE", str(pki.ca))
    started = run_cli(["start", "--agent", sim_agent("echo"), "-m", "cli over tls", "--json"], nginx.url, key)
    assert started.returncode == 0, started.stderr
    run_id = json.loads(started.stdout)["run"]["id"]
    got = run_cli(["get", run_id, "--json"], nginx.url, key)
    assert got.returncode == 0, got.stderr
    assert json.loads(got.stdout)["run"]["id"] == run_id
    assert key not in started.stdout + started.stderr + got.stdout + got.stderr


@pytest.mark.parametrize("how", ["SSL_CERT_DIR", "DUVO_CA_FILE", "--ca-file"])
def test_the_other_ways_to_trust_a_private_ca(front, pki, clean_env, how):
    nginx, key = front
    flags, variables = [], {}
    if how == "SSL_CERT_DIR":
        clean_env.setenv("SSL_CERT_DIR", str(pki.hashed_directory()))
    elif how == "DUVO_CA_FILE":
        variables["DUVO_CA_FILE"] = str(pki.ca)
    else:
        flags = ["--ca-file", str(pki.ca)]
    result = run_cli(["list", "--json", "--limit", "1", *flags], nginx.url, key, **variables)
    assert result.returncode == 0, result.stderr


def test_an_untrusted_certificate_fails_at_once_with_the_fix(front, pki, clean_env):
    nginx, key = front
    clean_env.setenv("SSL_CERT_FILE", str(pki.rogue_ca))
    before = len(nginx.access_log())
    result = run_cli(["get", "0b7c2f3e-9a41-4d2b-8e6f-1a2b3c4d5e6f", "--json", "--log-level", "debug"], nginx.url, key)
    assert result.returncode == 3, result  # a configuration problem, not a network one
    assert "certificate" in result.stderr and "unable to get local issuer certificate" in result.stderr
    for variable in ("SSL_CERT_FILE", "SSL_CERT_DIR", "DUVO_CA_FILE"):
        assert variable in result.stderr
    assert "retrying" not in result.stderr, "a certificate failure is not retried"
    assert len(nginx.access_log()) == before, "no request got through"

    rpc = RPCChild(nginx.url, key)
    try:
        answer = rpc.call("runs/get", {"run_id": "0b7c2f3e-9a41-4d2b-8e6f-1a2b3c4d5e6f"})
        assert "SSL_CERT_FILE" in answer["error"]["message"], answer
        assert rpc.result("rpc.discover")  # still serving
        assert rpc.close_and_wait() == 0
    finally:
        rpc.kill()


def test_https_goes_through_a_connect_proxy_with_credentials(front, pki, proxy, clean_env):
    nginx, key = front
    clean_env.setenv("SSL_CERT_FILE", str(pki.ca))
    clean_env.setenv("HTTPS_PROXY", proxy.url)
    rpc = RPCChild(nginx.url, key, extra=["--log-level", "trace"])
    try:
        run = rpc.result("runs/start", {"agent_id": sim_agent("echo"), "message": "via proxy"})["run"]
        assert rpc.result("runs/get", {"run_id": run["id"]})["run"]["id"] == run["id"]
        assert rpc.close_and_wait() == 0
    finally:
        rpc.kill()
    assert f"CONNECT localhost:{nginx.port}" in proxy.log()
    assert PROXY_PASSWORD.encode() not in rpc.output() and key.encode() not in rpc.output()
    cli = run_cli(["get", run["id"], "--json", "--log-level", "trace"], nginx.url, key)
    assert cli.returncode == 0, cli.stderr
    assert PROXY_PASSWORD not in cli.stdout + cli.stderr


def test_http_proxy_is_honoured_for_an_http_base_url(sim, proxy, clean_env):  # noqa: F811
    child, key = sim
    clean_env.setenv("HTTP_PROXY", proxy.url)
    host = child.url.split("://", 1)[1]
    result = run_cli(["start", "--agent", sim_agent("echo"), "-m", "plain via proxy", "--json", "--log-level",
                      "trace"], child.url, key)
    assert result.returncode == 0, result.stderr
    assert f"POST http://{host}/v2/" in proxy.log(), "the request went through the proxy"
    assert PROXY_PASSWORD not in result.stdout + result.stderr

    clean_env.setenv("NO_PROXY", "127.0.0.1")
    before = proxy.log().count(f"http://{host}/")
    direct = run_cli(["get", json.loads(result.stdout)["run"]["id"], "--json"], child.url, key)
    assert direct.returncode == 0, direct.stderr
    assert proxy.log().count(f"http://{host}/") == before, "NO_PROXY bypasses the proxy"


def test_a_wrong_proxy_password_fails_clearly_without_showing_it(front, pki, proxy, clean_env):
    nginx, key = front
    wrong = "wr0ng-pr0xy-pw"
    clean_env.setenv("SSL_CERT_FILE", str(pki.ca))
    clean_env.setenv("HTTPS_PROXY", f"http://duvo:{wrong}@127.0.0.1:{proxy.port}")
    result = run_cli(["get", "0b7c2f3e-9a41-4d2b-8e6f-1a2b3c4d5e6f", "--json", "--log-level", "trace"],
                     nginx.url, key)
    assert result.returncode == 3, result  # a configuration problem: the credentials
    # tinyproxy refuses with 401 where RFC 9110 says 407; either way the tunnel was refused, and that is final.
    assert "the proxy refused" in result.stderr and "CONNECT tunnel failed" in result.stderr, result.stderr
    assert "HTTPS_PROXY" in result.stderr
    assert "retrying" not in result.stderr, "a refusing proxy is not asked again"
    assert wrong not in result.stdout + result.stderr
