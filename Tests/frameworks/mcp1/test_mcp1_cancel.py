"""A client on mcp 1.x (LangChain's adapters pin mcp<2) cancelling a call: the server must not answer it any more.

mcp 1.x drops a request's id when its deadline passes and treats a later answer to it as an error (some hosts built on
it then tear the connection down). MCP says the receiver of `notifications/cancelled` should not respond.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import mcp.types as types
from conftest import Duvo, agent
from duvo_frameworks import run
from langchain_mcp_adapters.client import MultiServerMCPClient
from mcp.shared.exceptions import McpError


def test_a_cancelled_wait_gets_no_answer(duvo: Duvo) -> None:
    trouble: list[Any] = []

    async def on_message(message: Any) -> None:
        if isinstance(message, Exception):
            trouble.append(message)

    async def main() -> dict[str, Any]:
        client = MultiServerMCPClient({"duvo": {
            "transport": "stdio", "command": "duvo", "args": ["rpc", "--simulate"],
            "session_kwargs": {"message_handler": on_message},
        }})
        async with client.session("duvo") as session:
            started = await session.call_tool("duvo_start_run", {"agent_id": agent("slow")})
            run_id = started.structuredContent["run"]["id"]
            cancelled_id = session._request_id  # the id the next request gets (mcp 1.x numbers them in order)
            try:
                await session.call_tool("duvo_wait_for_run", {"run_id": run_id},
                                        read_timeout_seconds=timedelta(seconds=1))
                raise AssertionError("the wait of a run of minutes ended within a second")
            except McpError as error:
                assert "Timed out" in error.error.message
            await session.send_notification(types.ClientNotification(types.CancelledNotification(
                params=types.CancelledNotificationParams(requestId=cancelled_id, reason="timed out"))))
            # Whatever answer the cancelled call still gets is on its way well before these come back.
            await session.send_ping()
            await asyncio.sleep(1)
            stopped = await session.call_tool("duvo_stop_run", {"run_id": run_id})
            assert not stopped.isError, stopped.content
            await session.send_ping()
            return {"answered": [str(item) for item in trouble]}
    outcome = run(main())
    assert outcome["answered"] == [], f"the server answered a cancelled request: {outcome['answered']}"
    cancels = [frame for frame in duvo.sent() if frame.get("method") == "notifications/cancelled"]
    assert cancels, "the cancellation never reached the server"
    late = [frame for frame in duvo.received() if frame.get("id") == cancels[0]["params"]["requestId"]]
    assert late == [], f"the server answered the cancelled request: {late}"
