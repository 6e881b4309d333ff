"""Fixtures of the framework suite: `duvo` on PATH as the frameworks launch it, a private runtime dir, the agents.

Every framework starts `duvo rpc --simulate` itself, by name, as the README's snippets do. The `duvo` it finds on PATH
is a small shell wrapper around the binary under test (env DUVO_BIN, else <repo>/.build/debug/duvo) that sets the
runtime dir and the simulator's speed (MCP stdio clients pass only a few variables such as PATH and HOME to the
server, so these cannot come from the test's environment) and copies every frame both ways into a log, from which
the test reads the MCP revision the framework negotiated. Each test gets its own runtime dir, so the shared simulator
it starts is its own and never the user's; it is stopped when the test ends.
"""

from __future__ import annotations

import functools
import json
import os
import shlex
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

import pytest

# No network beyond loopback: mcp-use and LangChain would report usage to their vendors. Set before the frameworks are
# imported (mcp-use reads it once, when its telemetry starts).
os.environ["MCP_USE_ANONYMIZED_TELEMETRY"] = "false"
os.environ["LANGSMITH_TRACING"] = "false"
os.environ["OPENAI_AGENTS_DISABLE_TRACING"] = "1"

REPO_ROOT = Path(__file__).resolve().parents[2]
SNIPPETS = Path(__file__).resolve().parent / "snippets"

# 50x: an approval run takes about a second; the `slow` agent's three minutes about 3.6 s.
SIM_SPEED = "50"

TOOL_NAMES = {
    "duvo_start_run", "duvo_get_run", "duvo_list_messages", "duvo_send_message", "duvo_respond_to_human_request",
    "duvo_stop_run", "duvo_list_runs", "duvo_wait_for_run", "duvo_run_stats",
}

def duvo_binary() -> str:
    """The binary under test."""
    path = os.environ.get("DUVO_BIN") or str(REPO_ROOT / ".build" / "debug" / "duvo")
    if not os.access(path, os.X_OK):
        pytest.fail(f"no duvo binary at {path}: run `swift build` first, or point DUVO_BIN at one")
    return path


@functools.lru_cache(maxsize=1)
def sim_agents() -> dict[str, str]:
    """Simulator agent name -> id, from `duvo sim agents --json` (the simulator's table, not a copy of it)."""
    listing = subprocess.run([duvo_binary(), "sim", "agents", "--json"], check=True, capture_output=True, text=True,
                             timeout=30).stdout
    value = json.loads(listing)
    if isinstance(value, dict):  # an array, or one wrapped under a key
        value = next((v for v in value.values() if isinstance(v, list)), [])
    return {entry["name"]: entry["id"] for entry in value}


def agent(name: str) -> str:
    """The id of the simulator's agent `name` (approval, slow, echo, ...)."""
    agents = sim_agents()
    if name not in agents:
        pytest.fail(f"the simulator has no agent {name!r}; it has {sorted(agents)}")
    return agents[name]


@dataclass
class Duvo:
    """The `duvo` a framework launches, and what it saw."""

    binary: str
    bin_dir: Path
    runtime_dir: Path
    frames_in: Path
    frames_out: Path
    speed: str

    def env(self) -> dict[str, str]:
        """The variables of a `duvo` started from the test itself (not through a framework)."""
        return {**os.environ, "DUVO_RUNTIME_DIR": str(self.runtime_dir), "DUVO_SIM_SPEED": self.speed}

    def sent(self) -> list[dict[str, Any]]:
        """Every frame the framework sent to `duvo` (over all its server processes)."""
        return _frames(self.frames_in)

    def received(self) -> list[dict[str, Any]]:
        """Every frame `duvo` sent to the framework."""
        return _frames(self.frames_out)

    def negotiated_revision(self) -> str:
        """The MCP revision the framework and `duvo` settled on: the `initialize` answer's, or a 2026 request's."""
        answers = {frame.get("id"): frame for frame in self.received() if "id" in frame and "method" not in frame}
        for frame in self.sent():
            meta = (frame.get("params") or {}).get("_meta") or {}
            if "io.modelcontextprotocol/protocolVersion" in meta and frame.get("method") != "server/discover":
                return meta["io.modelcontextprotocol/protocolVersion"]
            if frame.get("method") == "initialize":
                answer = answers.get(frame.get("id")) or {}
                return answer["result"]["protocolVersion"]
        raise AssertionError("the framework neither initialized a session nor sent a 2026 request")


def _frames(path: Path) -> list[dict[str, Any]]:
    if not path.exists():
        return []
    frames = []
    for line in path.read_text().splitlines():
        if line.strip():
            try:
                frames.append(json.loads(line))
            except json.JSONDecodeError:
                pass  # a frame cut off by the end of a process; the ones around it still count
    return frames


def make_duvo(tmp_path: Path, speed: str = SIM_SPEED) -> Duvo:
    """Writes the `duvo` wrapper into a bin dir of its own under tmp_path."""
    binary = duvo_binary()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    runtime_dir = tmp_path / "run"
    runtime_dir.mkdir(mode=0o700)
    duvo = Duvo(binary, bin_dir, runtime_dir, tmp_path / "frames-in.ndjson", tmp_path / "frames-out.ndjson", speed)
    wrapper = bin_dir / "duvo"
    wrapper.write_text(
        "#!/bin/sh\n"
        f"export DUVO_RUNTIME_DIR={shlex.quote(str(runtime_dir))} DUVO_SIM_SPEED={shlex.quote(speed)}\n"
        f"tee -a {shlex.quote(str(duvo.frames_in))} | {shlex.quote(binary)} \"$@\""
        f" | tee -a {shlex.quote(str(duvo.frames_out))}\n"
    )
    wrapper.chmod(0o755)
    return duvo


def stop_shared_simulator(duvo: Duvo) -> None:
    """Stops the shared simulator of this test's runtime dir, if one was started."""
    subprocess.run([duvo.binary, "sim", "stop"], env=duvo.env(), capture_output=True, timeout=30, check=False)


def _use(made: Duvo, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Duvo]:
    sim_agents()  # looked up here, so that tests' coroutines never wait on a child process
    monkeypatch.setenv("PATH", f"{made.bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    try:
        yield made
    finally:
        stop_shared_simulator(made)
        if made.sent():
            try:
                revision = made.negotiated_revision()
            except (AssertionError, KeyError):
                revision = "none"
            NEGOTIATED.append((request.node.nodeid, revision))


NEGOTIATED: list[tuple[str, str]] = []


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """Says which MCP revision each framework settled on (the README's table reports these)."""
    if NEGOTIATED:
        terminalreporter.section("negotiated MCP revisions")
        for nodeid, revision in NEGOTIATED:
            terminalreporter.write_line(f"{revision}  {nodeid}")


@pytest.fixture
def duvo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Duvo]:
    """`duvo` on PATH for this test, with a runtime dir of its own; logs the revision the framework negotiated."""
    yield from _use(make_duvo(tmp_path), monkeypatch, request)


@pytest.fixture
def real_time_duvo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> Iterator[Duvo]:
    """As `duvo`, with the simulator at its real speed: the slow agent's run lasts minutes, outliving any wait."""
    yield from _use(make_duvo(tmp_path, speed="1"), monkeypatch, request)


def load_snippet(name: str) -> Any:
    """Imports Tests/frameworks/snippets/<name>.py, the code the README shows for that framework."""
    import importlib.util

    spec = importlib.util.spec_from_file_location(f"snippet_{name}", SNIPPETS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
