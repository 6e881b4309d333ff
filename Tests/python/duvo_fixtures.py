"""pytest fixtures for suites that run against the built `duvo` binary; conftest files import them by name."""

from __future__ import annotations

import pytest

from duvo_binary import BinaryMissing, duvo_bin, sim_agents
from duvo_contract import Contract, load_contract


@pytest.fixture(scope="session")
def contract() -> Contract:
    """schema/openrpc.json with validators."""
    return load_contract()


@pytest.fixture(scope="session")
def duvo() -> str:
    """The path of the built `duvo` binary; fails the test with how to build it when it is missing."""
    try:
        return duvo_bin()
    except BinaryMissing as error:
        pytest.fail(str(error), pytrace=False)


@pytest.fixture(scope="session")
def agents(duvo: str) -> dict[str, str]:
    """Simulator agent name -> id."""
    return sim_agents()
