"""The MCP handshake and tool selection as raw frames on a pipe: revisions the SDK no longer sends, unknown methods
answered at once, `--read-only`, `--tools` / `--exclude-tools` and their environment twins."""

from __future__ import annotations

import json
import re
import subprocess
from typing import Any

import pytest

from duvo_binary import duvo_bin
from mcp_harness import READ_ONLY_TOOLS, TOOL_NAMES, RawServer, server_args

REVISIONS = ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]


@pytest.mark.parametrize("revision", REVISIONS)
def test_each_supported_revision_is_answered_with_itself(duvo: str, revision: str) -> None:
    with RawServer() as server:
        result = server.initialize(revision)
    assert result["protocolVersion"] == revision
    assert result["serverInfo"]["name"] == "duvo-bridge"
    assert result["capabilities"] == {"tools": {"listChanged": False}, "logging": {}}


def test_an_unknown_revision_is_answered_with_the_latest(duvo: str) -> None:
    with RawServer() as server:
        assert server.initialize("2099-01-01")["protocolVersion"] == "2025-11-25"


def test_a_2024_11_05_client_gets_what_its_revision_knows(duvo: str, agents: dict[str, str]) -> None:
    with RawServer() as server:
        server.initialize("2024-11-05")
        tools = server.request(1, "tools/list")["result"]["tools"]
        assert [tool["name"] for tool in tools] == TOOL_NAMES
        assert all(set(tool) == {"name", "description", "inputSchema"} for tool in tools)
        started = server.request(2, "tools/call", {"name": "duvo_start_run",
                                                   "arguments": {"agent_id": agents["echo"], "message": "old"}})
    result = started["result"]
    assert result["isError"] is False and "structuredContent" not in result
    text = result["content"][0]["text"]
    assert text.startswith("Started run ")
    assert json.loads(text[text.index("\n\n") + 2:])["run"]["agent_id"] == agents["echo"]


def test_unknown_requests_are_answered_minus_32601_at_once(duvo: str) -> None:
    with RawServer() as server:
        # server/discover is served since 2026-07-28 (test_mcp_2026.py); these still are not.
        for id_, method in enumerate(["resources/list", "prompts/list", "sampling/whatever"]):
            answer = server.request(id_, method, {})  # fails when no answer comes within a few seconds
            assert answer["error"]["code"] == -32601, answer
        server.initialize()
        assert server.request(10, "ping")["result"] == {}
        bad = server.request(11, "logging/setLevel", {"level": "verbose"})
        assert bad["error"]["code"] == -32602 and "warning" in bad["error"]["message"]


def test_read_only_offers_only_reads_and_never_answers_a_person(duvo: str, agents: dict[str, str]) -> None:
    with RawServer("--read-only") as server:
        server.initialize(capabilities={"elicitation": {}})
        tools = server.request(1, "tools/list")["result"]["tools"]
        assert [tool["name"] for tool in tools] == READ_ONLY_TOOLS
        refused = server.request(2, "tools/call", {"name": "duvo_start_run", "arguments": {"agent_id": agents["echo"]}})
        assert refused["error"]["code"] == -32602
        # The JSON-RPC methods are not MCP tools: a script on the same pipe can still start a run.
        run = server.request(3, "runs/start", {"agent_id": agents["approval"]})["result"]["run"]
        waited = server.request(4, "tools/call", {"name": "duvo_wait_for_run",
                                                  "arguments": {"run_id": run["id"], "timeout_s": 20}})
    structured = waited["result"]["structuredContent"]
    assert structured["status"] == "waiting" and "read-only" in structured["next"]
    assert not any(message.get("method") == "elicitation/create" for message in server.seen)


def test_a_2025_06_18_client_gets_multi_select_as_text_and_no_mode(duvo: str, agents: dict[str, str]) -> None:
    asked: list[dict[str, Any]] = []

    def person(request: dict[str, Any]) -> dict[str, Any]:
        asked.append(request["params"])
        return {"action": "accept", "content": {"city": "Berlin", "days": "Monday, Tuesday"}}

    with RawServer() as server:
        server.on_request = person
        server.initialize("2025-06-18", capabilities={"elicitation": {}})
        run = server.request(1, "runs/start", {"agent_id": agents["questions"]})["result"]["run"]
        structured: dict[str, Any] = {}
        for id_ in range(2, 8):
            arguments = {"run_id": run["id"]}
            answer = server.request(id_, "tools/call", {"name": "duvo_wait_for_run", "arguments": arguments})
            structured = answer["result"]["structuredContent"]
            if structured["finished"]:
                break
    assert structured["status"] == "completed"
    assert len(asked) == 1 and "mode" not in asked[0]
    days = asked[0]["requestedSchema"]["properties"]["days"]
    assert days["type"] == "string" and "comma-separated" in days["description"]


@pytest.mark.parametrize("how", ["flags", "environment"])
def test_tools_and_exclude_tools_choose_the_offered_tools(duvo: str, how: str) -> None:
    if how == "flags":
        server = RawServer("--tools", "duvo_get_run,duvo_wait_for_run,duvo_stop_run",
                           "--exclude-tools", "duvo_stop_run")
    else:
        server = RawServer(env={"DUVO_MCP_TOOLS": "duvo_get_run,duvo_wait_for_run,duvo_stop_run",
                                "DUVO_MCP_EXCLUDE_TOOLS": "duvo_stop_run"})
    with server:
        instructions = server.initialize()["instructions"]
        tools = server.request(1, "tools/list")["result"]["tools"]
    assert [tool["name"] for tool in tools] == ["duvo_get_run", "duvo_wait_for_run"]
    named = set(re.findall(r"duvo_[a-z_]+", instructions))
    assert named == {"duvo_get_run", "duvo_wait_for_run"}, f"the instructions name only offered tools: {instructions}"


def test_an_unknown_tool_name_is_a_usage_error_listing_the_valid_ones(duvo: str) -> None:
    result = subprocess.run([duvo_bin(), *server_args("--tools", "duvo_get_runz")], capture_output=True, text=True,
                            timeout=30, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "duvo_get_runz" in result.stderr and "duvo_get_run," in result.stderr
    assert result.stdout == ""
