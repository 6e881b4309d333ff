"""Smoke test of an installed duvo-bridge wheel: the client finds the wheel's `duvo` by itself and drives runs on it.

Run with the venv's python and no DUVO_BIN: `VENV/bin/python client_smoke.py EXPECTED_DUVO_PATH`. Checks that the
default binary is the one the wheel installed, follows an echo run to the end on the embedded simulator, and answers
an approval run's request. Prints one `ok` line per check; exits non-zero with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import duvo_bridge
from duvo_bridge import DuvoClient, FollowEnded, MessageEvent
from duvo_bridge._binary import default_binary

ECHO = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


def main(expected: str) -> None:
    assert "DUVO_BIN" not in os.environ, "run the smoke test without DUVO_BIN: it checks the default lookup"
    binary = default_binary()
    assert os.path.samefile(binary, expected), f"the client would spawn {binary}, not the wheel's {expected}"
    print(f"ok - duvo_bridge from {os.path.dirname(duvo_bridge.__file__)} uses {binary}")

    agents = json.loads(subprocess.run([binary, "sim", "agents", "--json"], check=True, capture_output=True).stdout)
    approval = next(agent["id"] for agent in agents if agent["name"] == "approval")

    with DuvoClient(simulate=True, sim_speed=50) as duvo:
        started = duvo.start(ECHO, message="hello from the wheel", follow=True)
        events = list(duvo.events(started["subscription"]))
        texts = [e.message.get("text_content") or "" for e in events if isinstance(e, MessageEvent)]
        end = events[-1]
        assert isinstance(end, FollowEnded) and end.reason == "terminal", f"the follow ended with {end}"
        assert end.status == "completed", f"the echo run ended {end.status}"
        assert any("hello from the wheel" in text for text in texts), f"no echo among {texts}"
        print(f"ok - followed an echo run to completed ({len(texts)} messages)")

        run = duvo.start(approval, message="ship it")["run"]
        waited = duvo.wait(run["id"], until="attention", timeout_s=60)
        assert waited["pending_human_request"], f"the approval run never asked: {waited['run']['status']}"
        duvo.respond(run["id"], approved=True)
        final = duvo.wait(run["id"], timeout_s=60)["run"]["status"]
        assert final == "completed", f"the approved run ended {final}"
        print("ok - approved an approval run's request; it completed")


if __name__ == "__main__":
    main(sys.argv[1])
