"""What a user sees when the way to Duvo misbehaves, through the real binary and real sockets.

Front ends written here (see front_ends.py) stand where Duvo would be: one closes every connection, one answers 502
with an HTML page, one never answers, one echoes the Authorization header into a 401 body. The errors must say what
happened once, with the cause in `data`; a write that may have reached Duvo is never sent twice and never answered
with "try again"; the API key appears in no byte of any output (`duvo rpc`, its MCP tool results, `duvo runs`).
Ambiguous starts against the simulator's dropped answers must come back as the run they created, marked recovered.
"""

from __future__ import annotations

import os
import re
import subprocess
import uuid

import pytest

from duvo_binary import duvo_bin, sim_agent
from front_ends import FrontEnd
from reliability_harness import RPCChild, SimChild, unique_key

AGENT = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
NETWORK, UNAVAILABLE, TIMEOUT, UNAUTHORIZED = -31007, -31006, -31008, -31001


@pytest.fixture
def front_end(request):
    server = FrontEnd(request.param)
    yield server
    server.stop()


def bridge(url: str, key: str, *extra: str) -> RPCChild:
    return RPCChild(url, key, extra=["--log-level", "trace", *extra])


def finish(rpc: RPCChild, key: str) -> bytes:
    assert rpc.close_and_wait(timeout=60) == 0
    output = rpc.output()
    assert key.encode() not in output, "the API key must appear in no output"
    return output


def assert_outcome_unknown(error: dict) -> None:
    data = error["data"]
    assert data["outcome_unknown"] is True, error
    assert "runs/list" in data["check"], error
    assert "try again" not in error["message"].lower(), error


@pytest.mark.parametrize("front_end", ["close"], indirect=True)
def test_connections_closed_without_answer(front_end):
    key = unique_key()
    rpc = bridge(front_end.url, key, "--timeout", "10")
    error = rpc.call("runs/get", {"run_id": str(uuid.uuid4())})["error"]
    assert error["code"] == NETWORK
    assert error["data"]["cause"]["kind"] == "connection_lost"
    assert error["data"]["attempts"] == 4 and error["data"]["method"] == "GET"
    assert error["message"].count("get run:") == 1, error["message"]

    start = rpc.call("runs/start", {"agent_id": AGENT, "message": "closed"})["error"]
    assert start["code"] == NETWORK
    assert_outcome_unknown(start)
    assert front_end.posts() == 1, "a start that may have reached Duvo is never sent again"

    _initialize(rpc)
    tool = rpc.result("tools/call", {"name": "duvo_start_run", "arguments": {"agent_id": AGENT, "message": "mcp"}})
    text = tool["content"][0]["text"]
    assert tool["isError"] is True and "runs/list" in text and "try again" not in text.lower(), tool
    assert front_end.posts() == 2, "one POST per start, none repeated"
    finish(rpc, key)


@pytest.mark.parametrize("front_end", ["html502"], indirect=True)
def test_an_html_502_is_summarised(front_end):
    key = unique_key()
    rpc = bridge(front_end.url, key)
    error = rpc.call("runs/get", {"run_id": str(uuid.uuid4())})["error"]
    assert error["code"] == UNAVAILABLE
    assert "an HTML page titled '502 Bad Gateway'" in error["message"]
    assert "<" not in error["message"] and "\r" not in error["message"] and "\n" not in error["message"]
    assert error["data"]["http_status"] == 502 and error["data"]["body"] == "an HTML page titled '502 Bad Gateway'"

    start = rpc.call("runs/start", {"agent_id": AGENT, "message": "behind a proxy"})["error"]
    assert start["code"] == UNAVAILABLE
    assert_outcome_unknown(start)
    assert front_end.posts() == 1
    log = finish(rpc, key).decode()
    assert re.search(r"trace: GET /v2/runs/[0-9a-f-]+ -> 502 in \d+\.\d ms \(attempt 4\)", log), log[-2000:]
    assert re.search(r"trace: POST /v2/teams/[^ ]+/runs -> 502 in \d+\.\d ms \(attempt 1\)", log), log[-2000:]


@pytest.mark.parametrize("front_end", ["stall"], indirect=True)
def test_a_stalled_upstream_ends_at_the_deadline(front_end):
    key = unique_key()
    rpc = bridge(front_end.url, key, "--timeout", "2")
    error = rpc.call("runs/get", {"run_id": str(uuid.uuid4())}, timeout=60)["error"]
    assert error["code"] == TIMEOUT
    assert error["data"]["timeout_s"] == 2 and error["data"]["attempts"] >= 1
    assert "2.0 s deadline" in error["message"] and re.search(r"\d+ attempts? in \d+\.\d s", error["message"])
    start = rpc.call("runs/start", {"agent_id": AGENT, "message": "stalled"}, timeout=60)["error"]
    assert start["code"] == TIMEOUT
    assert_outcome_unknown(start)
    assert front_end.posts() == 1
    finish(rpc, key)


def _initialize(rpc: RPCChild) -> None:
    rpc.result("initialize", {"protocolVersion": "2025-06-18", "capabilities": {},
                              "clientInfo": {"name": "test", "version": "1"}})
    rpc.send({"jsonrpc": "2.0", "method": "notifications/initialized"})


@pytest.mark.parametrize("front_end", ["reflect"], indirect=True)
def test_an_echoed_key_appears_in_no_output(front_end):
    key = unique_key()
    rpc = bridge(front_end.url, key)
    error = rpc.call("runs/get", {"run_id": str(uuid.uuid4())})["error"]
    assert error["code"] == UNAUTHORIZED
    assert "[redacted]" in error["data"]["message"]
    _initialize(rpc)
    tool = rpc.result("tools/call", {"name": "duvo_get_run", "arguments": {"run_id": str(uuid.uuid4())}})
    assert tool["isError"] is True
    finish(rpc, key)
    assert len(front_end.requests) >= 2, "the key did reach the front end, which echoed it"

    env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
    env.update(DUVO_BASE_URL=front_end.url, DUVO_API_KEY=key, DUVO_TEAM_ID="t", NO_COLOR="1")
    for json_flag in ([], ["--json"]):
        done = subprocess.run([duvo_bin(), "runs", "get", str(uuid.uuid4()), "--log-level", "trace", *json_flag],
                              env=env, capture_output=True, timeout=60)
        assert done.returncode == 3, done
        assert key.encode() not in done.stdout + done.stderr
        assert b"[redacted]" in done.stderr


def test_ambiguous_starts_are_recovered_not_duplicated():
    """The simulator drops a third of its answers after acting on the request: starts whose answer was lost come
    back as the run they made (recovered), or say a run may exist; no start ever makes two runs."""
    key = unique_key()
    sim = SimChild(key, ["--faults", "drop=0.3", "--seed", "11", "--speed", "20", "--rate-limit", "0"])
    rpc = RPCChild(sim.url, key)
    try:
        answers = [rpc.call("runs/start", {"agent_id": sim_agent("echo"), "message": f"ambiguous {k}"})
                   for k in range(12)]
        rpc_clean = RPCChild(sim.url, key)
        made: dict[int, list[str]] = {}
        listed = []
        for _ in range(10):  # the reading bridge rides out the same faults; a dropped list is simply read again
            page = rpc_clean.call("runs/list", {"all": True, "limit": 100})
            if "result" in page:
                listed = page["result"]["data"]
                break
        for run in listed:
            for _ in range(10):
                page = rpc_clean.call("runs/messages", {"run_id": run["id"], "limit": 1})
                if "result" in page:
                    break
            first = page.get("result", {}).get("messages", [])
            match = re.fullmatch(r"ambiguous (\d+)", first[0].get("text_content", "") if first else "")
            if match:
                made.setdefault(int(match.group(1)), []).append(run["id"])
        rpc_clean.close_and_wait()
        assert all(len(ids) == 1 for ids in made.values()), f"a start made two runs: {made}"
        recovered = [k for k, a in enumerate(answers) if a.get("result", {}).get("recovered")]
        assert recovered, f"no start was recovered: {answers}"
        for k, answer in enumerate(answers):
            if "result" in answer:
                assert made.get(k) == [answer["result"]["run"]["id"]], (k, answer, made.get(k))
            else:
                assert answer["error"]["data"]["outcome_unknown"] is True, answer
                assert "try again" not in answer["error"]["message"].lower()
        finish(rpc, key)
    finally:
        rpc.kill()
        sim.stop()
