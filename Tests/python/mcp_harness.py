"""Drives `duvo rpc` the way an MCP host does: the official Python SDK (`mcp`) over stdio, against the simulator.

Sessions use `stdio_client` + `ClientSession`, so every `call_tool` result is validated by the SDK against the tool's
`outputSchema` (it lists the tools first when it has not seen them). `check_structured` validates once more, with
formats (uuid, date-time) asserted, so a schema the SDK would only annotate still has to hold.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import threading
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Callable, Sequence

import anyio
import mcp_types as types
from jsonschema import Draft202012Validator, FormatChecker
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from duvo_binary import duvo_bin

# 50x: the `slow` agent's three minutes take about 3.6 s, long enough to see progress and to cancel a wait mid-way.
MCP_SIM_SPEED = "50"

# The SDK's connect and a simulated run both finish far sooner; these only stop a broken server hanging the suite.
CONNECT_TIMEOUT_S = 5
CALL_TIMEOUT_S = 60

TOOL_NAMES = [
    "duvo_start_run", "duvo_get_run", "duvo_list_messages", "duvo_send_message", "duvo_respond_to_human_request",
    "duvo_stop_run", "duvo_list_runs", "duvo_wait_for_run", "duvo_run_stats",
]
READ_ONLY_TOOLS = ["duvo_get_run", "duvo_list_messages", "duvo_list_runs", "duvo_wait_for_run", "duvo_run_stats"]


def server_args(*extra: str) -> list[str]:
    """`duvo rpc` against a fast simulator, polling ten times as often as in production."""
    return ["rpc", "--simulate=private", "--sim-speed", MCP_SIM_SPEED, "--poll-scale", "0.1", *extra]


def server_parameters(*extra: str) -> StdioServerParameters:
    """How the SDK launches the server under test."""
    return StdioServerParameters(command=duvo_bin(), args=server_args(*extra))


@asynccontextmanager
async def mcp_session(*extra: str, errlog: Any = None, **session_options: Any) -> AsyncIterator[ClientSession]:
    """An initialized SDK session with `duvo rpc`; `session_options` go to `ClientSession` (callbacks)."""
    parameters = server_parameters(*extra)
    launch = stdio_client(parameters, errlog=errlog) if errlog is not None else stdio_client(parameters)
    async with launch as (read, write):
        async with ClientSession(read, write, **session_options) as session:
            with anyio.fail_after(CONNECT_TIMEOUT_S):
                await session.initialize()
            yield session


async def call(session: ClientSession, name: str, arguments: dict[str, Any] | None = None,
               **options: Any) -> types.CallToolResult:
    """Calls a tool; a successful result is checked against the tool's output schema by the SDK and again here."""
    with anyio.fail_after(CALL_TIMEOUT_S):
        result = await session.call_tool(name, arguments or {}, **options)
    if not result.is_error:
        await check_structured(session, name, result)
    return result


_schemas: dict[int, dict[str, Any]] = {}


async def check_structured(session: ClientSession, name: str, result: types.CallToolResult) -> None:
    """Asserts `structuredContent` is there and fits the tool's `outputSchema`, formats included."""
    listing = _schemas.get(id(session))
    if listing is None:
        tools = (await session.list_tools()).tools
        listing = _schemas[id(session)] = {tool.name: tool.output_schema for tool in tools}
    schema = listing[name]
    assert schema is not None and schema.get("type") == "object", f"{name} has no object outputSchema"
    assert result.structured_content is not None, f"{name} returned no structuredContent"
    Draft202012Validator(schema, format_checker=FormatChecker()).validate(result.structured_content)


def text_of(result: types.CallToolResult) -> str:
    """The text the model reads."""
    return "\n".join(block.text for block in result.content if isinstance(block, types.TextContent))


async def wait_until_finished(session: ClientSession, run_id: str, rounds: int = 10) -> dict[str, Any]:
    """Calls duvo_wait_for_run as a model would, again while `finished` is false; returns the last result."""
    for _ in range(rounds):
        result = await call(session, "duvo_wait_for_run", {"run_id": run_id, "timeout_s": 20})
        assert not result.is_error, text_of(result)
        structured = result.structured_content
        assert structured is not None
        if structured["finished"] or structured["pending_human_request"] is not None:
            return structured
    raise AssertionError(f"run {run_id} did not finish after {rounds} waits")


async def start(session: ClientSession, agent_id: str, message: str | None = None) -> str:
    """Starts a run of `agent_id` and returns its id."""
    arguments: dict[str, Any] = {"agent_id": agent_id}
    if message is not None:
        arguments["message"] = message
    result = await call(session, "duvo_start_run", arguments)
    assert not result.is_error, text_of(result)
    assert result.structured_content is not None
    return result.structured_content["run"]["id"]


class RawServer:
    """`duvo rpc` over a plain pipe, for exchanges the SDK will not produce (old revisions, unknown methods)."""

    def __init__(self, *extra: str, env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [duvo_bin(), *server_args(*extra)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL, text=True, bufsize=1, env={**os.environ, **(env or {})},
        )
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        # Answers requests from the server (elicitation/create); None leaves them unanswered.
        self.on_request: Callable[[dict[str, Any]], dict[str, Any]] | None = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put("")

    def request(self, id_: int, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Sends one request and returns its answer (notifications in between are skipped)."""
        frame: dict[str, Any] = {"jsonrpc": "2.0", "id": id_, "method": method}
        if params is not None:
            frame["params"] = params
        self.send(frame)
        while True:
            message = json.loads(self.readline())
            self.seen.append(message)
            if "method" in message and "id" in message and self.on_request is not None:
                self.send({"jsonrpc": "2.0", "id": message["id"], "result": self.on_request(message)})
            elif message.get("id") == id_ and "method" not in message:
                return message

    def initialize(self, revision: str = "2025-11-25", capabilities: dict[str, Any] | None = None) -> dict[str, Any]:
        """The MCP handshake: `initialize`, then `notifications/initialized`; returns the result."""
        answer = self.request(0, "initialize", {
            "protocolVersion": revision, "capabilities": capabilities or {},
            "clientInfo": {"name": "raw-test", "version": "1"},
        })
        self.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return answer["result"]

    def send(self, frame: dict[str, Any]) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(frame) + "\n")
        self.process.stdin.flush()

    def readline(self, timeout: float = CONNECT_TIMEOUT_S) -> str:
        """The next line of stdout; fails when none arrives within `timeout` seconds."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no answer within {timeout} s") from None
        assert line, "the server closed stdout"
        return line

    def close(self) -> int:
        """Closes stdin (end of input) and returns the exit status."""
        assert self.process.stdin is not None
        self.process.stdin.close()
        try:
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()

    def __enter__(self) -> "RawServer":
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.close()


def tool_names(listing: Sequence[types.Tool]) -> list[str]:
    """The names of listed tools, in order."""
    return [tool.name for tool in listing]
