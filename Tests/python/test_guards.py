"""Smaller guards, each through the real binary: the Tasks extension honours the tool selection and refuses an unknown
task before acting; a proxy refusing our credentials is named as the proxy (tinyproxy, and a proxy answering 407);
a CA file that is not PEM and an API key too short to be one are refused at start, not per call.

A tinyproxy between the bridge and a real simulator counts what reached upstream (its log has a line per request).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from typing import Any

from duvo_binary import duvo_bin, sim_agent
from frontends.servers import TinyProxy
from loopback_server import LoopbackServer, response
from reliability_harness import TEAM, RPCChild, sim  # noqa: F401  (sim is a fixture)
from test_tls_frontend import AMBIENT, clean_env, proxy  # noqa: F401  (clean_env and proxy are fixtures)

INVALID_PARAMS = -32602


def meta() -> dict[str, Any]:
    """A 2026 request's `_meta` declaring the Tasks extension and form elicitation."""
    return {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {"extensions": {"io.modelcontextprotocol/tasks": {}},
                                                           "elicitation": {"form": {}}},
            "io.modelcontextprotocol/clientInfo": {"name": "guards", "version": "1"}}


def env_for(base_url: str, key: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_") and k not in AMBIENT}
    env.update(DUVO_BASE_URL=base_url, DUVO_API_KEY=key, DUVO_TEAM_ID=TEAM, NO_COLOR="1", **extra)
    return env


def stops(proxy: TinyProxy) -> int:
    return sum(1 for line in proxy.log().splitlines() if "POST " in line and "/stop" in line)


def test_tasks_update_and_cancel_follow_the_tool_selection_and_refuse_unknown_tasks(sim, proxy, clean_env):  # noqa: F811
    child, key = sim
    run_id = None
    for extra in ([], ["--read-only"], ["--exclude-tools", "duvo_stop_run,duvo_respond_to_human_request"]):
        rpc = RPCChild(child.url, key, extra=extra, env_extra={"HTTP_PROXY": proxy.url})
        try:
            if run_id is None:
                run_id = rpc.result("runs/start", {"agent_id": sim_agent("approval")})["run"]["id"]
                waiting = rpc.result("runs/wait", {"run_id": run_id, "until": "attention", "timeout_s": 60})
                assert waiting["run"]["status"] == "waiting", waiting
            before = stops(proxy)
            unknown = str(uuid.uuid4())
            answer = rpc.call("tasks/cancel", {"taskId": unknown, "_meta": meta()})
            assert answer["error"]["code"] == INVALID_PARAMS, answer
            if not extra:
                assert "not found" in answer["error"]["message"].lower(), answer
                assert f"/runs/{unknown}" in proxy.log(), "the run was looked up through the proxy"
            else:
                task = rpc.result("tasks/get", {"taskId": run_id, "_meta": meta()})
                assert task["status"] == "input_required", task
                [answer_key] = list(task["inputRequests"])
                update = rpc.call("tasks/update", {"taskId": run_id, "_meta": meta(), "inputResponses": {
                    answer_key: {"action": "accept", "content": {"approved": True}}}})
                assert update["error"]["code"] == INVALID_PARAMS, update
                assert "duvo_respond_to_human_request" in update["error"]["message"], update
                cancel = rpc.call("tasks/cancel", {"taskId": run_id, "_meta": meta()})
                assert cancel["error"]["code"] == INVALID_PARAMS, cancel
                assert "duvo_stop_run" in cancel["error"]["message"], cancel
                assert rpc.result("runs/get", {"run_id": run_id})["run"]["status"] == "waiting"
            assert stops(proxy) == before, "no stop went upstream"
            assert rpc.close_and_wait() == 0
        finally:
            rpc.kill()


def test_a_forwarding_proxy_refusing_the_credentials_is_named_not_duvo(sim, proxy, clean_env):  # noqa: F811
    child, key = sim
    wrong = "wr0ng-guard-pw"
    proxy_url = f"http://duvo:{wrong}@127.0.0.1:{proxy.port}"
    done = subprocess.run([duvo_bin(), "runs", "get", str(uuid.uuid4()), "--log-level", "trace"],
                          env=env_for(child.url, key, HTTP_PROXY=proxy_url), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 3, done  # a configuration problem, as for the CONNECT case
    assert f"the proxy 127.0.0.1:{proxy.port}" in done.stderr and "refused" in done.stderr, done.stderr
    assert "Duvo answered" not in done.stderr and "DUVO_API_KEY" not in done.stderr, done.stderr
    assert wrong not in done.stdout + done.stderr and key not in done.stdout + done.stderr


def refuse_with_407(method: str, target: str, headers: dict[str, str], body: bytes) -> bytes:
    """A proxy answering every request 407 with a Basic challenge, as RFC 9110 has it."""
    return response("407 Proxy Authentication Required", b"<html><title>407 Proxy Authentication Required</title></html>",
                    "text/html", 'Proxy-Authenticate: Basic realm="p"\r\n')


def test_a_proxy_answering_407_is_a_configuration_problem_in_rpc_and_cli(sim, clean_env):  # noqa: F811
    child, key = sim
    refusing = LoopbackServer(refuse_with_407)
    proxy_url = f"http://someone:hidden-pw-407@127.0.0.1:{refusing.port}"
    done = subprocess.run([duvo_bin(), "runs", "get", str(uuid.uuid4())],
                          env=env_for(child.url, key, HTTP_PROXY=proxy_url), capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 3 and f"the proxy 127.0.0.1:{refusing.port} answered 407" in done.stderr, done
    assert "hidden-pw-407" not in done.stdout + done.stderr
    rpc = RPCChild(child.url, key, env_extra={"HTTP_PROXY": proxy_url})
    try:
        error = rpc.call("runs/get", {"run_id": str(uuid.uuid4())})["error"]
        assert "answered 407" in error["message"] and "Duvo answered" not in error["message"], error
        assert rpc.close_and_wait() == 0
    finally:
        rpc.kill()
    assert b"hidden-pw-407" not in rpc.output()
    refusing.stop()


def test_a_ca_file_that_is_not_pem_is_refused_at_start(tmp_path, clean_env):
    der = tmp_path / "ca.der"
    der.write_bytes(bytes([0x30, 0x82, 0x03, 0x0A, 0x30, 0x82, 0x01, 0xF2]) * 64)
    env = env_for("https://127.0.0.1:9", "dv_" + uuid.uuid4().hex, DUVO_CA_FILE=str(der))
    rpc = subprocess.run([duvo_bin(), "rpc"], env=env, input="", capture_output=True, text=True, timeout=60)
    assert rpc.returncode == 2 and str(der) in rpc.stderr and "PEM" in rpc.stderr, rpc
    cli = subprocess.run([duvo_bin(), "runs", "get", str(uuid.uuid4())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert cli.returncode == 3 and str(der) in cli.stderr and "PEM" in cli.stderr, cli
    assert "retrying" not in cli.stderr


def test_a_key_too_short_to_be_one_is_refused_at_start(clean_env):
    env = env_for("http://127.0.0.1:9", "dv_k3y")
    rpc = subprocess.run([duvo_bin(), "rpc"], env=env, input="", capture_output=True, text=True, timeout=60)
    assert rpc.returncode == 2 and "too short" in rpc.stderr and "dv_k3y" not in rpc.stderr, rpc
    cli = subprocess.run([duvo_bin(), "runs", "get", str(uuid.uuid4())], env=env, capture_output=True, text=True,
                         timeout=60)
    assert cli.returncode == 3 and "too short" in cli.stderr and "dv_k3y" not in cli.stdout + cli.stderr, cli
