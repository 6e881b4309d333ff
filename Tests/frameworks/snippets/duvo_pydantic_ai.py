from fastmcp.client.transports import StdioTransport
from pydantic_ai import Agent
from pydantic_ai.mcp import MCPToolset
from pydantic_ai.models import Model

# read_timeout (default 5 minutes) bounds each tool call; duvo_wait_for_run waits up to 45 s.
duvo = MCPToolset(StdioTransport("duvo", ["rpc", "--simulate"]), read_timeout=60)


async def run_agent(model: Model, task: str) -> str:
    """Runs an agent with Duvo's tools on `task`; returns its final answer."""
    agent = Agent(model, toolsets=[duvo])
    async with agent:  # one `duvo rpc` for the whole run
        result = await agent.run(task)
    return result.output
