"""pydantic-ai 2.68.0 (slim, MCPToolset on fastmcp, mcp 2.x): a FunctionModel agent loop and the Gemini schemas."""

from __future__ import annotations

import re
from typing import Any

from conftest import Duvo, TOOL_NAMES, agent, load_snippet
from duvo_frameworks import answers_item_schema, run
from fastmcp.client.transports import StdioTransport
from pydantic_ai.mcp import MCPToolset
from pydantic_ai.messages import ModelMessage, ModelResponse, TextPart, ToolCallPart, ToolReturnPart
from pydantic_ai.models.function import AgentInfo, FunctionModel
from pydantic_ai.profiles.google import GoogleJsonSchemaTransformer


def run_id_of(started: Any) -> str:
    """The run id in duvo_start_run's return: its structured content, or else its text."""
    if isinstance(started, dict):
        return started["run"]["id"]
    return re.search(r"Started run (\S+)", str(started)).group(1)


def approve_flow(messages: list[ModelMessage], info: AgentInfo) -> ModelResponse:
    """One tool call per turn: start, wait, approve, wait, read the last message; then answer with that message."""
    returns = [part for message in messages for part in getattr(message, "parts", [])
               if isinstance(part, ToolReturnPart)]
    run_id = run_id_of(returns[0].content) if returns else ""
    steps = [
        ("duvo_start_run", {"agent_id": agent("approval")}),
        ("duvo_wait_for_run", {"run_id": run_id}),
        ("duvo_respond_to_human_request", {"run_id": run_id, "approved": True}),
        ("duvo_wait_for_run", {"run_id": run_id}),
        ("duvo_list_messages", {"run_id": run_id, "tail": 1}),
    ]
    if len(returns) == len(steps):
        newest = returns[-1].content
        return ModelResponse(parts=[TextPart(newest["messages"][-1]["text_content"] if isinstance(newest, dict)
                                             else str(newest))])
    assert {tool.name for tool in info.function_tools} == TOOL_NAMES
    name, arguments = steps[len(returns)]
    return ModelResponse(parts=[ToolCallPart(name, arguments, tool_call_id=f"call-{len(returns)}")])


def test_the_readme_snippet_runs_a_function_model_agent_through_the_approval(duvo: Duvo) -> None:
    answer = run(load_snippet("duvo_pydantic_ai").run_agent(FunctionModel(approve_flow), "Send the weekly report."))
    assert "Approved: I sent the report" in answer
    assert duvo.negotiated_revision() == "2026-07-28"


def test_the_gemini_transformer_keeps_the_answers_item_schema(duvo: Duvo) -> None:
    async def main() -> dict[str, Any]:
        async with MCPToolset(StdioTransport("duvo", ["rpc", "--simulate"])) as toolset:
            tools = await toolset.client.list_tools()
        return {tool.name: tool.input_schema for tool in tools}
    schemas = run(main())
    assert set(schemas) == TOOL_NAMES
    for name, schema in schemas.items():
        transformed = GoogleJsonSchemaTransformer(schema).walk()
        assert set(transformed["properties"]) == set(schema["properties"]), f"{name}: arguments lost"
    item = answers_item_schema(GoogleJsonSchemaTransformer(schemas["duvo_respond_to_human_request"]).walk())
    assert {"question", "answer"} <= set(item["properties"]), item
    assert item["properties"]["answer"], "the answer's own schema was dropped"
