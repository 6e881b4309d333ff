from datetime import timedelta

from langchain_mcp_adapters.client import MultiServerMCPClient
from langchain_mcp_adapters.tools import load_mcp_tools

client = MultiServerMCPClient({"duvo": {
    "transport": "stdio", "command": "duvo", "args": ["rpc", "--simulate"],
    # mcp 1.x waits forever by default; give a wait (45 s at most) room, and no more.
    "session_kwargs": {"read_timeout_seconds": timedelta(seconds=60)},
}})


async def approve(agent_id: str) -> str:
    """Starts a run, approves what it asks, waits for its end; returns its last message."""
    async with client.session("duvo") as session:  # one server for the whole flow
        tools = {tool.name: tool for tool in await load_mcp_tools(session)}
        started = await tools["duvo_start_run"].ainvoke(
            {"type": "tool_call", "id": "1", "name": "duvo_start_run", "args": {"agent_id": agent_id}})
        run_id = started.artifact["structured_content"]["run"]["id"]
        await tools["duvo_wait_for_run"].ainvoke({"run_id": run_id})  # until it asks for approval
        await tools["duvo_respond_to_human_request"].ainvoke({"run_id": run_id, "approved": True})
        await tools["duvo_wait_for_run"].ainvoke({"run_id": run_id})  # until it ends
        messages = await tools["duvo_list_messages"].ainvoke({"run_id": run_id, "tail": 1})
        return messages[0]["text"]
