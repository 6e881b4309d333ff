"""mcp-use 1.7.1 (mcp 1.x) driving `duvo rpc --simulate` through its LangChain tool objects."""

from __future__ import annotations

import re

from conftest import Duvo, TOOL_NAMES, agent, load_snippet
from duvo_frameworks import run
from mcp_use import MCPClient
from mcp_use.agents.adapters.langchain_adapter import LangChainAdapter


def test_the_readme_snippet_approves_a_run_to_its_end(duvo: Duvo) -> None:
    text = run(load_snippet("duvo_mcp_use").approve(agent("approval")))
    assert "Approved: I sent the report" in text
    assert duvo.negotiated_revision() == "2025-11-25"


def test_arguments_sent_as_null_or_at_their_defaults_mean_what_leaving_them_out_means(duvo: Duvo) -> None:
    """mcp-use sends every property, null where the model gave none; a model may also send a documented default
    (limit 20, offset 0) along with `tail`. Either must give what leaving the argument out gives."""
    async def main() -> tuple[str, str, str]:
        client = MCPClient.from_dict({"mcpServers": {"duvo": {"command": "duvo", "args": ["rpc", "--simulate"]}}})
        try:
            tools = {tool.name: tool for tool in await LangChainAdapter().create_tools(client)}
            assert set(tools) == TOOL_NAMES
            started = await tools["duvo_start_run"].ainvoke({"agent_id": agent("echo"), "message": "hello"})
            run_id = re.search(r"Started run (\S+)", started).group(1)
            finished = await tools["duvo_wait_for_run"].ainvoke({"run_id": run_id})
            assert "completed" in finished, finished
            page = await tools["duvo_list_messages"].ainvoke({"run_id": run_id})
            newest = await tools["duvo_list_messages"].ainvoke({"run_id": run_id, "tail": 1})
            at_defaults = await tools["duvo_list_messages"].ainvoke(
                {"run_id": run_id, "tail": 1, "limit": 20, "offset": 0})
            return page, newest, at_defaults
        finally:
            await client.close_all_sessions()
    page, newest, at_defaults = run(main())
    sent = [frame["params"]["arguments"] for frame in duvo.sent()
            if frame.get("method") == "tools/call" and frame["params"]["name"] == "duvo_list_messages"]
    assert set(sent[0]) == {"run_id", "cursor", "limit", "offset", "tail"}, f"mcp-use left arguments out: {sent[0]}"
    assert page.startswith("Messages 0-"), page
    assert isinstance(newest, str) and newest.startswith("Messages "), newest
    assert newest.splitlines()[1:] == page.splitlines()[-1:], "tail 1 is not the newest message of the page"
    assert at_defaults == newest, f"the defaults sent explicitly changed the answer: {at_defaults}"
