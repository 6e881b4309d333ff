from fastmcp import Client
from fastmcp.client.transports import StdioTransport

# timeout bounds each request (none by default); duvo_wait_for_run waits up to 45 s.
client = Client(StdioTransport("duvo", ["rpc", "--simulate"]), timeout=60)


async def approve(agent_id: str) -> str:
    """Starts a run, approves what it asks, waits for its end; returns its last message."""
    async with client:
        started = await client.call_tool("duvo_start_run", {"agent_id": agent_id})
        run_id = started.structured_content["run"]["id"]
        await client.call_tool("duvo_wait_for_run", {"run_id": run_id})  # until it asks for approval
        await client.call_tool("duvo_respond_to_human_request", {"run_id": run_id, "approved": True})
        await client.call_tool("duvo_wait_for_run", {"run_id": run_id})  # until it ends
        messages = await client.call_tool("duvo_list_messages", {"run_id": run_id, "tail": 1})
        return messages.structured_content["messages"][-1]["text_content"]
