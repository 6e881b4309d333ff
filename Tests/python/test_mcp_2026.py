"""MCP 2026-07-28 through the official Python SDK's `Client`: `mode="auto"` settles on it, a pinned `"2026-07-28"`
and `"legacy"` work too, people are asked through `input_required` (the SDK's elicitation callback answers), the
caching hints are there, and bad `_meta` or a forged `requestState` are refused without changing anything."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator

import anyio
import mcp_types as types
import pytest
from mcp.client.client import Client
from mcp.shared.exceptions import MCPError

from mcp_harness import CALL_TIMEOUT_S, TOOL_NAMES, RawServer, call, server_parameters, start, \
    text_of, tool_names, wait_until_finished
from test_mcp import every_tool_round
from test_mcp_humans import Person, messages_of

pytestmark = pytest.mark.anyio

MODES = ["auto", "2026-07-28", "legacy"]
MODERN = "2026-07-28"
TASKS = "io.modelcontextprotocol/tasks"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@asynccontextmanager
async def connected(mode: str, **options: Any) -> AsyncIterator[Client]:
    """An SDK `Client` on `duvo rpc` in `mode` (the SDK bounds its own connect: 10 s for the probe)."""
    async with Client(server_parameters(), mode=mode, read_timeout_seconds=CALL_TIMEOUT_S, **options) as client:
        yield client


def meta(capabilities: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A 2026 request's `_meta`."""
    return {"io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientCapabilities": capabilities or {},
            "io.modelcontextprotocol/clientInfo": {"name": "raw-test", "version": "1"}, **extra}


async def test_auto_settles_on_2026_and_discover_tells_everything(duvo: str) -> None:
    async with connected("auto") as client:
        assert client.protocol_version == MODERN
        discovered = client.session.discover_result
        assert discovered is not None
        assert MODERN in discovered.supported_versions and "2025-11-25" in discovered.supported_versions
        assert discovered.ttl_ms > 0 and discovered.cache_scope == "public"
        assert client.server_info is not None and client.server_info.name == "duvo-bridge"
        capabilities = client.server_capabilities
        assert capabilities.tools is not None
        assert capabilities.extensions is not None and TASKS in capabilities.extensions
        assert "duvo_wait_for_run" in (client.session.instructions or "")


@pytest.mark.parametrize("mode", MODES)
async def test_every_tool_works_in_each_mode(duvo: str, agents: dict[str, str], mode: str) -> None:
    async with connected(mode) as client:
        assert client.protocol_version == (MODERN if mode != "legacy" else "2025-11-25")
        assert tool_names((await client.list_tools()).tools) == TOOL_NAMES
        await every_tool_round(client, agents)


@pytest.mark.parametrize("mode", MODES)
async def test_an_approval_is_answered_through_the_elicitation_callback(
        duvo: str, agents: dict[str, str], mode: str) -> None:
    person = Person("accept", {"approved": True})
    async with connected(mode, elicitation_callback=person) as client:
        run_id = await start(client, agents["approval"])
        finished = await wait_until_finished(client, run_id)
        assert finished["status"] == "completed"
        assert "The user answered \"Send the weekly sales report?\": approved." in finished["next"]
        assert "Approved: I sent the report to 3 recipients." in await messages_of(client, run_id)
    assert len(person.asked) == 1
    assert person.asked[0].requested_schema["properties"]["approved"]["type"] == "boolean"


@pytest.mark.parametrize("mode", ["auto", "2026-07-28"])
async def test_questions_are_answered_through_input_required(duvo: str, agents: dict[str, str], mode: str) -> None:
    person = Person("accept", {"city": "Lisbon", "days": ["Monday", "Friday"]})
    async with connected(mode, elicitation_callback=person) as client:
        run_id = await start(client, agents["questions"])
        assert (await wait_until_finished(client, run_id))["status"] == "completed"
        summary = [text for text in await messages_of(client, run_id) if text.startswith("Summary of your answers")]
        assert summary and "Lisbon" in summary[0] and "Monday,Friday" in summary[0]
    schema = person.asked[0].requested_schema
    assert schema["properties"]["city"]["enum"] == ["Lisbon", "Prague", "Berlin"]
    assert schema["properties"]["days"]["type"] == "array"


async def first_round(client: Client, run_id: str) -> types.InputRequiredResult:
    """Waits on `run_id` until the server asks for input, driving the loop by hand (as a persisting client would)."""
    for _ in range(10):
        with anyio.fail_after(CALL_TIMEOUT_S):
            result = await client.session.call_tool("duvo_wait_for_run", {"run_id": run_id, "timeout_s": 20},
                                                    allow_input_required=True)
        if isinstance(result, types.InputRequiredResult):
            return result
    raise AssertionError("the wait never asked for input")


async def test_the_input_required_round_trip_on_the_wire(duvo: str, agents: dict[str, str]) -> None:
    person = Person("accept", {"approved": False})
    async with connected(MODERN, elicitation_callback=person) as client:
        run_id = await start(client, agents["approval"])
        asked = await first_round(client, run_id)
        assert asked.result_type == "input_required" and asked.request_state
        [(key, request)] = list((asked.input_requests or {}).items())
        pending = (await call(client, "duvo_get_run", {"run_id": run_id})).structured_content
        assert pending is not None and key == f"human_request_{pending['pending_human_request']['id']}"
        assert isinstance(request, types.ElicitRequest) and request.params.mode == "form"
        answered = await client.session.call_tool(
            "duvo_wait_for_run", {"run_id": run_id, "timeout_s": 20}, allow_input_required=True,
            input_responses={key: types.ElicitResult(action="accept", content={"approved": False})},
            request_state=asked.request_state)
        assert isinstance(answered, types.CallToolResult) and answered.structured_content is not None
        assert "denied" in answered.structured_content["next"]
    assert person.asked == []  # the SDK's loop was not used: the answer went in by hand


async def test_an_accepted_form_without_its_answer_is_asked_again(duvo: str, agents: dict[str, str]) -> None:
    async with connected(MODERN, elicitation_callback=Person("accept", {"approved": True})) as client:
        run_id = await start(client, agents["approval"])
        asked = await first_round(client, run_id)
        key = next(iter(asked.input_requests or {}))
        again = await client.session.call_tool(
            "duvo_wait_for_run", {"run_id": run_id, "timeout_s": 20}, allow_input_required=True,
            input_responses={key: types.ElicitResult(action="accept", content={})}, request_state=asked.request_state)
        assert isinstance(again, types.InputRequiredResult) and list(again.input_requests or {}) == [key]
        still = (await call(client, "duvo_get_run", {"run_id": run_id})).structured_content
        assert still is not None and still["run"]["status"] == "waiting"
        await call(client, "duvo_stop_run", {"run_id": run_id})


async def test_a_declined_form_leaves_the_request_pending_and_says_so(duvo: str, agents: dict[str, str]) -> None:
    person = Person("decline")
    async with connected(MODERN, elicitation_callback=person) as client:
        run_id = await start(client, agents["approval"])
        paused = await wait_until_finished(client, run_id)
        assert paused["finished"] is False and paused["status"] == "waiting"
        assert "The user declined to answer" in paused["next"]
        still = (await call(client, "duvo_get_run", {"run_id": run_id})).structured_content
        assert still is not None and still["pending_human_request"] is not None
        await call(client, "duvo_stop_run", {"run_id": run_id})


async def test_without_elicitation_the_model_is_pointed_to_the_respond_tool(
        duvo: str, agents: dict[str, str]) -> None:
    async with connected(MODERN) as client:
        run_id = await start(client, agents["approval"])
        paused = await wait_until_finished(client, run_id)
        assert paused["status"] == "waiting" and "duvo_respond_to_human_request" in paused["next"]
        await call(client, "duvo_stop_run", {"run_id": run_id})


async def test_a_forged_or_misused_request_state_is_refused_and_changes_nothing(
        duvo: str, agents: dict[str, str]) -> None:
    async with connected(MODERN, elicitation_callback=Person("accept", {"approved": True})) as client:
        run_id = await start(client, agents["approval"])
        asked = await first_round(client, run_id)
        assert asked.request_state is not None
        key = next(iter(asked.input_requests or {}))
        yes = {key: types.ElicitResult(action="accept", content={"approved": True})}
        payload, mac = asked.request_state.split(".")
        altered = payload + "." + ("0" if mac[0] != "0" else "1") + mac[1:]
        cases = {
            "forged": ("eyJ2IjoxfQ.00", {"run_id": run_id, "timeout_s": 20}),
            "altered": (altered, {"run_id": run_id, "timeout_s": 20}),
            "another call": (asked.request_state, {"run_id": run_id, "timeout_s": 5}),
        }
        for name, (state, arguments) in cases.items():
            with pytest.raises(MCPError) as refused:
                await client.session.call_tool("duvo_wait_for_run", arguments, allow_input_required=True,
                                               input_responses=yes, request_state=state)
            assert refused.value.error.code == -32602, name
            assert "requestState refused" in refused.value.error.message, name
        with pytest.raises(MCPError) as without:
            await client.session.call_tool("duvo_wait_for_run", {"run_id": run_id}, allow_input_required=True,
                                           input_responses=yes)
        assert without.value.error.code == -32602 and "requestState" in without.value.error.message
        still = (await call(client, "duvo_get_run", {"run_id": run_id})).structured_content
        assert still is not None and still["run"]["status"] == "waiting"
        assert still["pending_human_request"].get("response") is None
        await call(client, "duvo_stop_run", {"run_id": run_id})


async def test_tools_list_carries_caching_hints_and_a_fixed_order(duvo: str) -> None:
    listings = []
    for _ in range(2):
        async with connected(MODERN) as client:
            listing = await client.list_tools()
            assert listing.ttl_ms == 3_600_000 and listing.cache_scope == "public"
            listings.append([tool.model_dump(by_alias=True) for tool in listing.tools])
    assert [tool["name"] for tool in listings[0]] == TOOL_NAMES
    assert listings[0] == listings[1]


async def test_log_messages_come_only_for_requests_that_ask(duvo: str, agents: dict[str, str]) -> None:
    for level, expect in (("info", True), (None, False)):
        received: list[types.LoggingMessageNotificationParams] = []

        async def on_log(params: types.LoggingMessageNotificationParams) -> None:
            received.append(params)

        async with connected(MODERN, logging_callback=on_log, log_level=level) as client:
            run_id = await start(client, agents["echo"], "logged?")
            await wait_until_finished(client, run_id)
        assert bool(received) is expect, level
        assert all(entry.logger == "duvo" for entry in received)


def test_bad_meta_gets_the_errors_of_the_specification(duvo: str) -> None:
    with RawServer() as server:
        no_capabilities = {"io.modelcontextprotocol/protocolVersion": MODERN}
        answer = server.request(1, "tools/list", {"_meta": no_capabilities})
        assert answer["error"]["code"] == -32602
        assert "clientCapabilities" in answer["error"]["message"]

        no_version = {"io.modelcontextprotocol/clientCapabilities": {}}
        answer = server.request(2, "tools/call", {"name": "duvo_list_runs", "arguments": {}, "_meta": no_version})
        assert answer["error"]["code"] == -32602 and "protocolVersion" in answer["error"]["message"]

        answer = server.request(3, "server/discover", {})
        assert answer["error"]["code"] == -32602

        future = {**meta(), "io.modelcontextprotocol/protocolVersion": "2099-01-01"}
        answer = server.request(4, "server/discover", {"_meta": future})
        assert answer["error"]["code"] == -32022
        assert answer["error"]["data"]["requested"] == "2099-01-01"
        assert MODERN in answer["error"]["data"]["supported"] and "2025-11-25" in answer["error"]["data"]["supported"]

        answer = server.request(5, "tasks/get", {"taskId": "x", "_meta": meta()})
        assert answer["error"]["code"] == -32021
        assert TASKS in answer["error"]["data"]["requiredCapabilities"]["extensions"]

        answer = server.request(6, "tools/list", {"_meta": meta(**{"io.modelcontextprotocol/logLevel": "loud"})})
        assert answer["error"]["code"] == -32602 and "log level" in answer["error"]["message"]

        answer = server.request(8, "logging/setLevel", {"level": "info", "_meta": meta()})
        assert answer["error"]["code"] == -32601 and "io.modelcontextprotocol/logLevel" in answer["error"]["message"]

        # The process keeps serving, and every 2026 result says what it is.
        answer = server.request(7, "tools/list", {"_meta": meta()})
        assert answer["result"]["resultType"] == "complete"


def test_one_pipe_serves_a_2025_session_and_2026_requests(duvo: str) -> None:
    with RawServer() as server:
        assert server.initialize()["protocolVersion"] == "2025-11-25"
        legacy = server.request(1, "tools/list")["result"]
        assert "ttlMs" not in legacy and "resultType" not in legacy
        modern = server.request(2, "tools/list", {"_meta": meta()})["result"]
        assert modern["resultType"] == "complete" and modern["ttlMs"] > 0
        assert [tool["name"] for tool in modern["tools"]] == [tool["name"] for tool in legacy["tools"]]
        called = server.request(3, "tools/call", {"name": "duvo_run_stats", "arguments": {}, "_meta": meta()})
        assert called["result"]["resultType"] == "complete" and called["result"]["isError"] is False
