"""LangChain's MCP adapters (langchain-mcp-adapters 0.3.2, LangChain 1.x, mcp 1.x) driving `duvo rpc --simulate`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from conftest import Duvo, TOOL_NAMES, agent, load_snippet
from duvo_frameworks import answers_item_schema, check_strict_parameters, run
from langchain_core.utils.function_calling import convert_to_openai_tool
from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools


def connection(**extra: Any) -> dict[str, Any]:
    return {"transport": "stdio", "command": "duvo", "args": ["rpc", "--simulate"],
            "session_kwargs": {"read_timeout_seconds": timedelta(seconds=60)}, **extra}


def test_the_readme_snippet_approves_a_run_to_its_end(duvo: Duvo) -> None:
    text = run(load_snippet("duvo_langchain").approve(agent("approval")))
    assert "Approved: I sent the report" in text
    assert duvo.negotiated_revision() == "2025-11-25"


def test_tools_convert_to_openai_strict_tools_a_model_can_call(duvo: Duvo) -> None:
    async def main() -> None:
        client = MultiServerMCPClient({"duvo": connection()})
        async with client.session("duvo") as session:
            listed = {tool.name: tool for tool in (await session.list_tools()).tools}
            tools = await load_mcp_tools(session)
        assert {tool.name for tool in tools} == TOOL_NAMES
        for tool in tools:
            converted = convert_to_openai_tool(tool, strict=True)["function"]
            assert converted["strict"] is True
            check_strict_parameters(tool.name, listed[tool.name].inputSchema, converted["parameters"])
        respond = next(tool for tool in tools if tool.name == "duvo_respond_to_human_request")
        item = answers_item_schema(convert_to_openai_tool(respond, strict=True)["function"]["parameters"])
        assert {"question", "answer"} <= set(item["properties"])
    run(main())


def test_a_server_started_per_call_sees_the_runs_of_the_calls_before(duvo: Duvo) -> None:
    """`get_tools()`, LangChain's quick-start path, starts a `duvo rpc` per tool call: they share one simulator."""
    async def main() -> str:
        tools = {tool.name: tool for tool in await MultiServerMCPClient({"duvo": connection()}).get_tools()}
        started = await tools["duvo_start_run"].ainvoke(
            {"type": "tool_call", "id": "1", "name": "duvo_start_run", "args": {"agent_id": agent("approval")}})
        run_id = started.artifact["structured_content"]["run"]["id"]
        for step in ({"run_id": run_id}, {"run_id": run_id, "approved": True}, {"run_id": run_id}):
            tool = "duvo_respond_to_human_request" if "approved" in step else "duvo_wait_for_run"
            result = await tools[tool].ainvoke({"type": "tool_call", "id": "2", "name": tool, "args": step})
            assert result.status != "error", result.content
        messages = await tools["duvo_list_messages"].ainvoke({"run_id": run_id, "tail": 1})
        return messages[0]["text"]
    assert "Approved: I sent the report" in run(main())
    starts = [frame for frame in duvo.sent() if frame.get("method") == "initialize"]
    assert len(starts) >= 5, "every call should have had a server of its own"
    assert (duvo.runtime_dir / "sim.json").exists(), "the per-user simulator of this test's runtime dir was not used"
