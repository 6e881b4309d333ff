"""fastmcp 4.1.6's Client (mcp 2.x): the approve flow, and a start with nothing but an API key."""

from __future__ import annotations

import select
import subprocess
from typing import Any

from conftest import Duvo, TOOL_NAMES, agent, load_snippet
from duvo_frameworks import run
from fastmcp import Client
from fastmcp.client.transports import StdioTransport


def test_the_readme_snippet_approves_a_run_to_its_end(duvo: Duvo) -> None:
    text = run(load_snippet("duvo_fastmcp").approve(agent("approval")))
    assert "Approved: I sent the report" in text
    assert duvo.negotiated_revision() == "2026-07-28"


def test_lists_the_tools_with_their_schemas(duvo: Duvo) -> None:
    async def main() -> list[Any]:
        async with Client(StdioTransport("duvo", ["rpc", "--simulate"]), timeout=60) as client:
            return await client.list_tools()
    tools = run(main())
    assert {tool.name for tool in tools} == TOOL_NAMES
    assert all(tool.input_schema["type"] == "object" and tool.output_schema for tool in tools)


def test_a_key_alone_starts_a_run(duvo: Duvo) -> None:
    """With DUVO_API_KEY and no team (all Duvo's CLI docs ask for), API v2 still starts runs; listing needs a team."""
    simulator = subprocess.Popen([duvo.binary, "sim", "--port", "0", "--speed", duvo.speed],
                                 stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        assert simulator.stdout is not None
        ready, _, _ = select.select([simulator.stdout], [], [], 30)
        assert ready, "duvo sim did not say where it listens within 30 s"
        base_url = simulator.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:"), base_url
        transport = StdioTransport("duvo", ["rpc", "--base-url", base_url],
                                   env={"DUVO_API_KEY": "dv_sim_local_key", "DUVO_API_VERSION": "v2"})

        async def main() -> tuple[Any, Any]:
            async with Client(transport, timeout=60) as client:
                started = await client.call_tool("duvo_start_run", {"agent_id": agent("echo"), "message": "hi"},
                                                  raise_on_error=False)
                listed = await client.call_tool("duvo_list_runs", {}, raise_on_error=False)
                return started, listed
        started, listed = run(main())
    finally:
        simulator.terminate()
        try:
            simulator.wait(timeout=30)
        except subprocess.TimeoutExpired:
            simulator.kill()
            simulator.wait()
    assert not started.is_error, started.content
    assert started.structured_content["run"]["agent_id"] == agent("echo")
    assert listed.is_error and "team" in listed.content[0].text, listed.content
