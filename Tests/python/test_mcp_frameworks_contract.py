"""What the agent frameworks' MCP clients do on day one (issue 21), against `duvo rpc` through the official SDK.

mcp-use sends every property, with nulls and the declared defaults; OpenAI strict mode makes every property required,
so optional ones must admit null; frameworks time tool calls out after 5 s and cancel; some start a server per call.
"""

from __future__ import annotations

import tempfile
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import anyio
import pytest
from jsonschema import Draft202012Validator
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from duvo_binary import duvo_bin, own_shared_simulator
from mcp_harness import CALL_TIMEOUT_S, CONNECT_TIMEOUT_S, MCP_SIM_SPEED, call, mcp_session, start, text_of

pytestmark = pytest.mark.anyio

# The string formats OpenAI's strict mode accepts.
STRICT_FORMATS = {"date-time", "time", "date", "duration", "email", "hostname", "ipv4", "ipv6", "uuid"}


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def admits_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(admits_null(branch) for branch in schema.get("anyOf", []))


def objects_in(schema: Any) -> list[dict[str, Any]]:
    """Every object schema in `schema`, nested ones included."""
    found: list[dict[str, Any]] = []
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            found.append(schema)
        for value in schema.values():
            found += objects_in(value)
    elif isinstance(schema, list):
        for item in schema:
            found += objects_in(item)
    return found


async def test_every_optional_argument_admits_null_and_no_object_is_an_open_map(duvo: str) -> None:
    async with mcp_session() as session:
        tools = (await session.list_tools()).tools
    for tool in tools:
        schema = tool.input_schema
        Draft202012Validator.check_schema(schema)
        required = set(schema.get("required", []))
        for name, prop in schema["properties"].items():
            assert (name in required) != admits_null(prop), f"{tool.name}.{name}: optional iff it admits null"
        for obj in objects_in(schema):
            assert obj.get("additionalProperties", False) is False, f"{tool.name}: a map schema strict mode refuses"
            for name, prop in obj.get("properties", {}).items():
                assert "default" not in prop, f"{tool.name}.{name}: a default strict mode (Azure) refuses"
                assert prop.get("format", "uuid") in STRICT_FORMATS, f"{tool.name}.{name}: a format strict mode refuses"
    answers = next(t for t in tools if t.name == "duvo_respond_to_human_request").input_schema["properties"]["answers"]
    assert "array" in answers["type"] and answers["items"]["required"] == ["question", "answer"]


async def test_null_and_the_declared_defaults_mean_what_leaving_them_out_means(
    duvo: str, agents: dict[str, str]
) -> None:
    async with mcp_session() as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
        run_id = await start(session, agents["echo"], "hello")
        result = await call(session, "duvo_wait_for_run", {"run_id": run_id, "timeout_s": None})
        assert not result.is_error, text_of(result)

        def everything(given: dict[str, Any], defaults: bool) -> dict[str, Any]:
            """Every property, as mcp-use sends them: the given ones, the rest null or at its default (the defaults
            are in the descriptions, since strict mode on Azure refuses a schema's `default`)."""
            props = tools["duvo_list_messages"].input_schema["properties"]
            assert "default 20" in props["limit"]["description"] and "Default: 0." in props["offset"]["description"]
            filled: dict[str, Any] = {name: None for name in props}
            if defaults:
                filled.update(limit=20, offset=0)
            return {**filled, **given}

        plain = await call(session, "duvo_list_messages", {"run_id": run_id})
        for defaults in (False, True):
            full = await call(session, "duvo_list_messages", everything({"run_id": run_id}, defaults))
            assert not full.is_error, text_of(full)
            assert full.structured_content == plain.structured_content
        tail = await call(session, "duvo_list_messages", {"run_id": run_id, "tail": 1})
        for defaults in (False, True):
            full_tail = await call(session, "duvo_list_messages", everything({"run_id": run_id, "tail": 1}, defaults))
            assert not full_tail.is_error, text_of(full_tail)
            assert full_tail.structured_content == tail.structured_content
        # A value other than the default still counts.
        both = await call(session, "duvo_list_messages", {"run_id": run_id, "tail": 1, "offset": 1})
        assert both.is_error and "only one of offset, tail and cursor" in text_of(both)

        # Every other tool with every optional argument null (a strict client) works as without them.
        nulls = {name: None for name in tools["duvo_start_run"].input_schema["properties"]}
        started = await call(session, "duvo_start_run", {**nulls, "agent_id": agents["echo"]})
        assert not started.is_error, text_of(started)
        listed = await call(session, "duvo_list_runs",
                            {name: None for name in tools["duvo_list_runs"].input_schema["properties"]})
        assert not listed.is_error, text_of(listed)
        stats = await call(session, "duvo_run_stats",
                           {name: None for name in tools["duvo_run_stats"].input_schema["properties"]})
        assert not stats.is_error, text_of(stats)


async def test_answers_as_a_list_of_question_answer_items(duvo: str, agents: dict[str, str]) -> None:
    async with mcp_session() as session:
        run_id = await start(session, agents["questions"])
        waiting = (await call(session, "duvo_wait_for_run", {"run_id": run_id, "timeout_s": 20})).structured_content
        assert waiting is not None and waiting["pending_human_request"]["type"] == "question"
        answers = []
        for question in waiting["pending_human_request"]["questions"]:
            labels = [option["label"] for option in question.get("options", [])]
            answer: Any = labels[:2] if question.get("multi_select") else (labels[0] if labels else "yes")
            answers.append({"question": question["question"], "answer": answer})
        answered = await call(session, "duvo_respond_to_human_request",
                              {"run_id": run_id, "request_id": None, "approved": None, "answers": answers})
        assert not answered.is_error, text_of(answered)
        assert answered.structured_content is not None
        for item in answers:
            assert item["question"] in answered.structured_content["human_request"]["response"]


async def test_after_a_cancelled_wait_later_waits_answer_before_the_client_gives_up(
    duvo: str, agents: dict[str, str]
) -> None:
    patience = 2.0
    with tempfile.TemporaryFile("w+") as log:
        # At 5x the slow agent runs for about 36 s: it is still running when the second wait ends.
        async with mcp_session("--log-level", "info", "--sim-speed", "5", errlog=log) as session:
            run_id = await start(session, agents["slow"])
            with anyio.move_on_after(patience) as scope:
                await session.call_tool("duvo_wait_for_run", {"run_id": run_id})
            assert scope.cancelled_caught
            # No timeout_s: the 45 s default would outlast this client; the server learnt it gives up after ~2 s.
            result = await call(session, "duvo_wait_for_run", {"run_id": run_id})
            assert not result.is_error, text_of(result)
            waited = result.structured_content
            assert waited is not None and waited["finished"] is False and waited["timed_out"] is True
            assert waited["waited_s"] < patience
            assert "call duvo_wait_for_run again" in text_of(result)
            await call(session, "duvo_stop_run", {"run_id": run_id})
            log.seek(0)
            assert "the client cancelled a wait after" in log.read()


@asynccontextmanager
async def per_call_server(env: dict[str, str]) -> AsyncIterator[ClientSession]:
    """A fresh `duvo rpc --simulate` for one call, as LangChain's quick start and llama-index's client do."""
    parameters = StdioServerParameters(command=duvo_bin(), args=["rpc", "--simulate", "--sim-speed", MCP_SIM_SPEED,
                                                                 "--poll-scale", "0.1"], env=env)
    async with stdio_client(parameters) as (read, write):
        async with ClientSession(read, write) as session:
            with anyio.fail_after(CONNECT_TIMEOUT_S * 4):  # the first one starts the shared simulator
                await session.initialize()
            yield session


async def test_servers_started_per_call_share_the_simulator(duvo: str, agents: dict[str, str]) -> None:
    with own_shared_simulator(duvo) as env:
        async with per_call_server(env) as first:
            run_id = await start(first, agents["echo"], "seen by the next process")
        async with per_call_server(env) as second:
            with anyio.fail_after(CALL_TIMEOUT_S):
                got = await call(second, "duvo_get_run", {"run_id": run_id})
            assert not got.is_error, text_of(got)
            assert got.structured_content is not None and got.structured_content["run"]["id"] == run_id
