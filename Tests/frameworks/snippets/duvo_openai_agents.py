from agents import Agent, Model, Runner
from agents.mcp import MCPServerStdio


async def run_agent(model: Model, task: str) -> str:
    """Runs an agent with Duvo's tools on `task`; returns its final answer."""
    async with MCPServerStdio(
        params={"command": "duvo", "args": ["rpc", "--simulate"]},
        # A tool call times out after 5 s by default; duvo_wait_for_run waits up to 45 s.
        client_session_timeout_seconds=60,
    ) as duvo:
        agent = Agent(name="operator", model=model, mcp_servers=[duvo],
                      mcp_config={"convert_schemas_to_strict": True})
        result = await Runner.run(agent, task)
        return result.final_output
