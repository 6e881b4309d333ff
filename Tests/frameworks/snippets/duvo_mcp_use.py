import re

from mcp_use import MCPClient
from mcp_use.agents.adapters.langchain_adapter import LangChainAdapter

# mcp-use sets no deadline on stdio tool calls, so a wait (45 s at most) is never cut off.
config = {"mcpServers": {"duvo": {"command": "duvo", "args": ["rpc", "--simulate"]}}}


async def approve(agent_id: str) -> str:
    """Starts a run, approves what it asks, waits for its end; returns its last message."""
    client = MCPClient.from_dict(config)
    try:
        tools = {tool.name: tool for tool in await LangChainAdapter().create_tools(client)}
        started = await tools["duvo_start_run"].ainvoke({"agent_id": agent_id})
        run_id = re.search(r"Started run (\S+)", started).group(1)  # mcp-use hands on the text only
        await tools["duvo_wait_for_run"].ainvoke({"run_id": run_id})  # until it asks for approval
        await tools["duvo_respond_to_human_request"].ainvoke({"run_id": run_id, "approved": True})
        await tools["duvo_wait_for_run"].ainvoke({"run_id": run_id})  # until it ends
        return await tools["duvo_list_messages"].ainvoke({"run_id": run_id, "tail": 1})
    finally:
        await client.close_all_sessions()
