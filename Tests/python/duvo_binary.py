"""Finds the built `duvo` binary and the simulator's agents for tests that run against the real thing.

The binary comes from env DUVO_BIN (default: <repo root>/.build/debug/duvo). Simulator agents have fixed UUIDs, but
tests look them up through `duvo sim agents --json` so they follow the simulator rather than a copy of its table.
"""

from __future__ import annotations

import contextlib
import functools
import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Dict, Iterator

REPO_ROOT = Path(__file__).resolve().parents[2]

# Fast enough that a whole run takes well under a second, slow enough that follows still see runs in flight.
SIM_SPEED = "50"


class BinaryMissing(RuntimeError):
    """The `duvo` binary the tests need is not there."""


def duvo_bin() -> str:
    """The path of the `duvo` binary under test; raises BinaryMissing with how to build it when it is absent."""
    path = os.environ.get("DUVO_BIN") or str(REPO_ROOT / ".build" / "debug" / "duvo")
    if not os.access(path, os.X_OK):
        raise BinaryMissing(f"no duvo binary at {path}: run `swift build` first, or point DUVO_BIN at one")
    return path


def simulate_args() -> list[str]:
    """The `duvo rpc` arguments that run against a simulator of its own (not the user's shared one), fast."""
    return ["--simulate=private", "--sim-speed", SIM_SPEED]


@contextlib.contextmanager
def own_shared_simulator(duvo: str) -> Iterator[Dict[str, str]]:
    """An environment in which `--simulate` shares a simulator of the test's own (in a fresh runtime directory,
    so neither the user's nor another test's), stopped at the end as a user would."""
    with tempfile.TemporaryDirectory(prefix="duvo-rt-") as runtime:
        os.chmod(runtime, 0o700)
        env = {**os.environ, "DUVO_BIN": duvo, "DUVO_RUNTIME_DIR": runtime}
        try:
            yield env
        finally:
            subprocess.run([duvo, "sim", "stop"], env=env, capture_output=True, timeout=60, check=False)


def rpc_command() -> list[str]:
    """The whole command line of a simulated, fast `duvo rpc`."""
    return [duvo_bin(), "rpc", *simulate_args()]


@functools.lru_cache(maxsize=1)
def sim_agents() -> dict[str, str]:
    """Simulator agent name -> id, from `duvo sim agents --json`."""
    out = subprocess.run(
        [duvo_bin(), "sim", "agents", "--json"], check=True, capture_output=True, text=True, timeout=30
    ).stdout
    value = json.loads(out)
    # Accept a bare array or one wrapped under a key, so the lookup does not hinge on the listing's envelope.
    if isinstance(value, dict):
        value = next((v for v in value.values() if isinstance(v, list)), [])
    return {agent["name"]: agent["id"] for agent in value}


def sim_agent(name: str) -> str:
    """The id of the simulator agent `name` (echo, approval, questions, flaky, failing, slow, chatty, ...)."""
    agents = sim_agents()
    if name not in agents:
        raise KeyError(f"the simulator has no agent {name!r}; it has {sorted(agents)}")
    return agents[name]
