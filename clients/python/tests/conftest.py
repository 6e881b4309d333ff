"""Fixtures for the client suites: the package from this checkout, the contract, and clients that check every
result, error and notification against schema/openrpc.json."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
for path in (HERE, HERE.parent, HERE.parents[2] / "Tests" / "python"):  # helpers, duvo_bridge, shared helpers
    sys.path.insert(0, str(path))

from checked_clients import async_client_factory, client, client_factory  # noqa: E402,F401
from duvo_fixtures import agents, contract, duvo  # noqa: E402,F401
