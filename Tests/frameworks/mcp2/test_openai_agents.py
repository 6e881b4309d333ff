"""openai-agents 0.24.0 (mcp 2.x): strict tools, a scripted agent loop, and its 5 s default tool-call timeout."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import pytest
from agents import Model, ModelResponse, Usage
from agents.mcp import MCPServerStdio, MCPUtil
from agents.strict_schema import ensure_strict_json_schema
from conftest import Duvo, TOOL_NAMES, agent, load_snippet
from duvo_frameworks import check_strict_parameters, run
from openai.types.responses import ResponseFunctionToolCall, ResponseOutputMessage, ResponseOutputText

APPROVE = [
    ("duvo_start_run", lambda run_id: {"agent_id": agent("approval")}),
    ("duvo_wait_for_run", lambda run_id: {"run_id": run_id}),
    ("duvo_respond_to_human_request", lambda run_id: {"run_id": run_id, "approved": True}),
    ("duvo_wait_for_run", lambda run_id: {"run_id": run_id}),
    ("duvo_list_messages", lambda run_id: {"run_id": run_id, "tail": 1}),
]


def text_of(output: Any) -> str:
    """The text of a tool's output as the model gets it (a string, or a list of input_text items)."""
    if isinstance(output, str):
        return output
    return "\n".join(part["text"] for part in output if part.get("type") == "input_text")


class ScriptedModel(Model):
    """Calls the approve flow's tools one per turn, as a strict-mode model would (every property, null if unused),
    then answers with the last tool output."""

    def __init__(self) -> None:
        self.strict: dict[str, bool] = {}

    async def get_response(self, system_instructions: Any, input: Any, model_settings: Any, tools: Any,
                           output_schema: Any, handoffs: Any, tracing: Any, **_: Any) -> ModelResponse:
        self.strict = {tool.name: tool.strict_json_schema for tool in tools}
        schemas = {tool.name: tool.params_json_schema for tool in tools}
        outputs = [text_of(item["output"]) for item in input
                   if isinstance(item, dict) and item.get("type") == "function_call_output"]
        turn = len(outputs)
        if turn == len(APPROVE):
            text = outputs[-1]
            return self._answer(ResponseOutputMessage(
                id="answer", type="message", role="assistant", status="completed",
                content=[ResponseOutputText(type="output_text", text=text, annotations=[])]))
        run_id = re.search(r"Started run (\S+)", outputs[0]).group(1) if outputs else ""
        name, arguments = APPROVE[turn]
        given = arguments(run_id)
        call = {key: given.get(key) for key in schemas[name]["properties"]}
        return self._answer(ResponseFunctionToolCall(
            id=f"call-{turn}", call_id=f"call-{turn}", type="function_call", name=name, arguments=json.dumps(call)))

    @staticmethod
    def _answer(item: Any) -> ModelResponse:
        return ModelResponse(output=[item], usage=Usage(), response_id=None)

    def stream_response(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError("the suite runs agents without streaming")


def test_the_readme_snippet_runs_a_scripted_agent_through_the_approval(duvo: Duvo) -> None:
    model = ScriptedModel()
    answer = run(load_snippet("duvo_openai_agents").run_agent(model, "Send the weekly report if I approve."))
    assert "Approved: I sent the report" in answer
    assert set(model.strict) == TOOL_NAMES
    loose = [name for name, strict in model.strict.items() if not strict]
    assert not loose, f"the agent got these tools with non-strict schemas: {loose}"
    assert duvo.negotiated_revision() == "2026-07-28"


def test_every_tool_converts_to_strict_without_falling_back(duvo: Duvo) -> None:
    async def main() -> None:
        async with MCPServerStdio(params={"command": "duvo", "args": ["rpc", "--simulate"]}) as server:
            tools = await server.list_tools()
            assert {tool.name for tool in tools} == TOOL_NAMES
            for tool in tools:
                converted = ensure_strict_json_schema(copy.deepcopy(tool.input_schema))
                check_strict_parameters(tool.name, tool.input_schema, converted)
                function_tool = MCPUtil.to_function_tool(tool, server, convert_schemas_to_strict=True)
                assert function_tool.strict_json_schema, f"{tool.name} fell back to a non-strict schema"
    run(main())


def test_after_a_wait_cut_off_by_the_default_timeout_the_next_wait_ends_in_time(real_time_duvo: Duvo) -> None:
    """MCPServerStdio gives up on a call after 5 s and cancels it; the server then ends the next wait in time."""
    async def main() -> Any:
        async with MCPServerStdio(params={"command": "duvo", "args": ["rpc", "--simulate"]}) as server:
            assert server.client_session_timeout_seconds == 5
            started = await server.call_tool("duvo_start_run", {"agent_id": agent("slow")})
            run_id = started.structured_content["run"]["id"]
            try:
                with pytest.raises(Exception, match="[Tt]imed out"):
                    await server.call_tool("duvo_wait_for_run", {"run_id": run_id})
                return await server.call_tool("duvo_wait_for_run", {"run_id": run_id})
            finally:
                await server.call_tool("duvo_stop_run", {"run_id": run_id})
    again = run(main())
    assert not again.is_error, again.content
    assert again.structured_content["finished"] is False
    assert "again" in again.structured_content["next"]
    assert any(frame.get("method") == "notifications/cancelled" for frame in real_time_duvo.sent())
