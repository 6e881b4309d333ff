"""`duvo rpc` as an MCP server, driven by the official Python SDK as a host (Claude, Cursor, VS Code...) would.

Every tool runs against the simulator; every successful result is validated against the tool's outputSchema by the
SDK (and again with formats asserted). Waits report progress, can be cancelled, and bad input comes back as an
`isError` result a model can read, not as a protocol error.
"""

from __future__ import annotations

import tempfile
import uuid
import warnings
from typing import Any

import anyio
import mcp_types as types
import pytest
from mcp.client.client import Client
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError

from mcp_harness import (
    CALL_TIMEOUT_S, CONNECT_TIMEOUT_S, TOOL_NAMES, call, mcp_session, server_parameters, start, text_of, tool_names,
    wait_until_finished,
)

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def test_the_sdk_connects_in_its_default_mode(duvo: str) -> None:
    # The default mode probes server/discover first and, answered, settles on 2026-07-28 (see test_mcp_2026.py).
    with anyio.fail_after(CONNECT_TIMEOUT_S):
        async with Client(server_parameters()) as client:
            assert client.protocol_version == "2026-07-28"
            assert client.server_info is not None and client.server_info.name == "duvo-bridge"
            assert client.server_capabilities.tools is not None
            assert client.server_capabilities.logging is not None
            assert "duvo_wait_for_run" in (client.session.instructions or "")
            assert tool_names((await client.list_tools()).tools) == TOOL_NAMES


async def test_lists_nine_tools_with_schemas_and_annotations(duvo: str) -> None:
    async with mcp_session() as session:
        tools = {tool.name: tool for tool in (await session.list_tools()).tools}
    assert list(tools) == TOOL_NAMES
    for tool in tools.values():
        assert tool.title and tool.description
        assert tool.input_schema["type"] == "object"
        assert tool.output_schema is not None and tool.output_schema["type"] == "object"
        assert tool.annotations is not None and tool.annotations.open_world_hint is True
    reads = {name for name, tool in tools.items() if tool.annotations and tool.annotations.read_only_hint}
    assert reads == {"duvo_get_run", "duvo_list_messages", "duvo_list_runs", "duvo_wait_for_run", "duvo_run_stats"}
    stop = tools["duvo_stop_run"].annotations
    assert stop is not None and stop.destructive_hint is True and stop.idempotent_hint is True
    start_run = tools["duvo_start_run"].annotations
    assert start_run is not None and start_run.idempotent_hint is False and start_run.destructive_hint is False
    # What a follow needs (notifications a model never sees) is not offered; what MCP adds is declared.
    assert "follow" not in tools["duvo_start_run"].input_schema["properties"]
    assert {"tail", "cursor"} <= set(tools["duvo_list_messages"].input_schema["properties"])
    wait_output = tools["duvo_wait_for_run"].output_schema or {}
    assert {"finished", "status", "elapsed_s", "waited_s", "next"} <= set(wait_output["required"])


async def test_every_tool_works_against_the_simulator(duvo: str, agents: dict[str, str]) -> None:
    async with mcp_session() as session:
        await every_tool_round(session, agents)


async def every_tool_round(session: Any, agents: dict[str, str]) -> None:
    """Calls every tool as a model would (an SDK `ClientSession` or `Client`, of either era), checking each result."""
    run_id = await start(session, agents["echo"], "hello from MCP")

    finished = await wait_until_finished(session, run_id)
    assert finished["finished"] is True and finished["status"] == "completed"
    assert finished["elapsed_s"] is not None and finished["elapsed_s"] >= 0
    assert "duvo_list_messages" in finished["next"]

    got = await call(session, "duvo_get_run", {"run_id": run_id})
    assert got.structured_content is not None
    assert got.structured_content["run"]["status"] == "completed"
    assert run_id in text_of(got)

    messages = await call(session, "duvo_list_messages", {"run_id": run_id})
    assert messages.structured_content is not None
    texts = [m.get("text_content") for m in messages.structured_content["messages"]]
    assert "hello from MCP" in texts
    assert "hello from MCP" in text_of(messages)

    sent = await call(session, "duvo_send_message", {"run_id": run_id, "message": "once more"})
    assert sent.structured_content is not None
    assert sent.structured_content["message"]["text_content"] == "once more"
    assert (await wait_until_finished(session, run_id))["status"] == "completed"

    approval_run = await start(session, agents["approval"])
    paused = await wait_until_finished(session, approval_run)
    assert paused["finished"] is False and paused["status"] == "waiting"
    assert paused["pending_human_request"]["type"] == "approval"
    assert "duvo_respond_to_human_request" in paused["next"]
    answered = await call(session, "duvo_respond_to_human_request", {"run_id": approval_run, "approved": False})
    assert answered.structured_content is not None
    assert answered.structured_content["human_request"]["response"] == "denied"
    assert (await wait_until_finished(session, approval_run))["status"] == "completed"

    slow_run = await start(session, agents["slow"])
    stopped = await call(session, "duvo_stop_run", {"run_id": slow_run})
    assert stopped.structured_content is not None and stopped.structured_content["success"] is True
    assert (await wait_until_finished(session, slow_run))["status"] == "stopped"

    listed = await call(session, "duvo_list_runs", {"limit": 5, "sort_by": "created_at", "sort_order": "desc"})
    assert listed.structured_content is not None
    assert slow_run in [run["id"] for run in listed.structured_content["data"]]

    stats = await call(session, "duvo_run_stats", {})
    assert stats.structured_content is not None
    assert stats.structured_content["counted"] >= 3
    assert stats.structured_content["counts"].get("completed", 0) >= 2


async def test_bad_input_and_duvo_errors_are_results_the_model_can_read(duvo: str) -> None:
    async with mcp_session() as session:
        not_a_uuid = await call(session, "duvo_get_run", {"run_id": "not-a-uuid"})
        assert not_a_uuid.is_error is True
        assert "run_id" in text_of(not_a_uuid) and "UUID" in text_of(not_a_uuid)

        misspelt = await call(session, "duvo_get_run", {"runId": str(uuid.uuid4())})
        assert misspelt.is_error is True and "runId" in text_of(misspelt)
        assert "run_id (required)" in text_of(misspelt)

        unknown_run = await call(session, "duvo_get_run", {"run_id": str(uuid.uuid4())})
        assert unknown_run.is_error is True and "duvo_list_runs" in text_of(unknown_run)

        bad_timeout = await call(session, "duvo_wait_for_run", {"run_id": str(uuid.uuid4()), "timeout_s": -1})
        assert bad_timeout.is_error is True and "timeout_s" in text_of(bad_timeout)

        with pytest.raises(MCPError) as unknown_tool:
            await session.call_tool("duvo_make_coffee", {})
        assert unknown_tool.value.error.code == -32602
        assert "duvo_get_run" in unknown_tool.value.error.message


async def test_a_wait_returns_within_its_timeout_and_says_to_call_again(duvo: str, agents: dict[str, str]) -> None:
    async with mcp_session() as session:
        run_id = await start(session, agents["slow"])
        result = await call(session, "duvo_wait_for_run", {"run_id": run_id, "timeout_s": 0.5})
        structured = result.structured_content
        assert structured is not None
        assert structured["finished"] is False and structured["timed_out"] is True
        assert f"call duvo_wait_for_run again with run_id {run_id}" in structured["next"]
        await call(session, "duvo_stop_run", {"run_id": run_id})


async def test_a_wait_reports_progress_with_status_and_newest_message(duvo: str, agents: dict[str, str]) -> None:
    reports: list[tuple[float, str | None]] = []

    async def on_progress(progress: float, total: float | None, message: str | None) -> None:
        reports.append((progress, message))

    async with mcp_session() as session:
        run_id = await start(session, agents["slow"])
        result = await call(session, "duvo_wait_for_run", {"run_id": run_id}, progress_callback=on_progress)
        assert result.structured_content is not None and result.structured_content["finished"] is True

    assert len(reports) >= 2
    progress = [value for value, _ in reports]
    assert progress == sorted(progress) and len(set(progress)) == len(progress)
    messages = [message or "" for _, message in reports]
    assert any("running" in message for message in messages)
    assert any("Exported batch" in message or "Starting a long export" in message for message in messages)


async def test_cancelling_a_wait_stops_it_and_the_session_goes_on(duvo: str, agents: dict[str, str]) -> None:
    with tempfile.TemporaryFile("w+") as log:
        async with mcp_session("--log-level", "debug", errlog=log) as session:
            run_id = await start(session, agents["slow"])
            with anyio.move_on_after(1) as scope:
                await session.call_tool("duvo_wait_for_run", {"run_id": run_id})
            assert scope.cancelled_caught
            # The server was told (notifications/cancelled) and dropped the wait; the session still serves calls.
            with anyio.fail_after(CALL_TIMEOUT_S):
                got = await call(session, "duvo_get_run", {"run_id": run_id})
            assert got.structured_content is not None
            seen = ""
            with anyio.fail_after(CALL_TIMEOUT_S):
                while "notifications/cancelled" not in seen or "cancelled request" not in seen:
                    await anyio.sleep(0.05)
                    log.seek(0)
                    seen = log.read()
            await call(session, "duvo_stop_run", {"run_id": run_id})


async def test_log_messages_follow_the_level_the_client_sets(duvo: str, agents: dict[str, str]) -> None:
    received: list[types.LoggingMessageNotificationParams] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        received.append(params)

    async with mcp_session(logging_callback=on_log) as session:
        run_id = await start(session, agents["echo"], "quiet")
        await wait_until_finished(session, run_id)
        assert received == []  # nothing until the client asks

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)  # deprecated in 2026-07-28, current before
            await session.set_logging_level("info")
        run_id = await start(session, agents["echo"], "loud")
        await wait_until_finished(session, run_id)
        with anyio.fail_after(CALL_TIMEOUT_S):
            while not received:
                await anyio.sleep(0.05)
        assert all(entry.logger == "duvo" for entry in received)
        assert any(f"run {run_id}" in str(entry.data) for entry in received)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", MCPDeprecationWarning)
            await session.set_logging_level("error")
        received.clear()
        run_id = await start(session, agents["echo"], "quiet again")
        await wait_until_finished(session, run_id)
        await session.send_ping()
    assert received == []


async def test_message_lists_stay_small_with_tail_and_cursor(duvo: str, agents: dict[str, str]) -> None:
    async with mcp_session() as session:
        chatty = await start(session, agents["chatty"])
        await wait_until_finished(session, chatty)

        first = (await call(session, "duvo_list_messages", {"run_id": chatty})).structured_content
        assert first is not None
        total = first["total"]
        assert total > 300 and len(first["messages"]) == 20 and first["offset"] == 0
        assert first["next_cursor"] and first["truncated"] is False

        second = (await call(session, "duvo_list_messages",
                             {"run_id": chatty, "cursor": first["next_cursor"]})).structured_content
        assert second is not None and second["offset"] == 20
        assert [m["id"] for m in second["messages"]][:1] != [m["id"] for m in first["messages"]][:1]

        tail = (await call(session, "duvo_list_messages", {"run_id": chatty, "tail": 3})).structured_content
        assert tail is not None and tail["offset"] == total - 3 and len(tail["messages"]) == 3
        assert tail["next_cursor"] is None

        other = await start(session, agents["echo"], "x" * 5000)
        await wait_until_finished(session, other)
        long = (await call(session, "duvo_list_messages", {"run_id": other})).structured_content
        assert long is not None and long["truncated"] is True
        assert all(len(m.get("text_content", "")) < 2100 for m in long["messages"])

        wrong_run = await call(session, "duvo_list_messages", {"run_id": other, "cursor": first["next_cursor"]})
        assert wrong_run.is_error is True and "cursor" in text_of(wrong_run)
