"""Fixtures shared by the Python suites: the contract, the built binary and the simulator's agents."""

from duvo_fixtures import agents, contract, duvo  # noqa: F401  (pytest finds fixtures by name in this module)
