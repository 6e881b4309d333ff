"""A lost write is recovered only as something Duvo made after the call began, by Duvo's clock.

A relay written here stands between the bridge and a real simulator (at real speed, so its clock and `Date` headers
are the wall clock's). Reads always pass. A write either passes, or is answered 502 without being forwarded (a front
end that never reached Duvo), or is forwarded and then answered 502 (the answer lost after Duvo acted). With an
identical start and message made earlier by another process, a write that never reached Duvo must come back
`outcome_unknown`, and the CLI must not print "Sent to run" or exit 0; a write that did reach it is still recovered.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
import urllib.error
import urllib.request

from duvo_binary import duvo_bin, sim_agent
from loopback_server import LoopbackServer, response
from reliability_harness import TEAM, RPCChild, SimChild, unique_key

PAGE_502 = b"<html><head><title>502 Bad Gateway</title></head><body>502 Bad Gateway</body></html>"
# More than the recovery's stated margin (1 s of Date resolution plus a round trip) between the earlier writes and
# the lost ones; the margin is what cannot be told apart.
PAST_THE_MARGIN_S = 2.5


class Relay:
    """Forwards to `target`; `writes` is "pass", "drop" (502, not forwarded) or "lose" (forwarded, then 502)."""

    def __init__(self, target: str):
        self.target = target
        self.writes = "pass"
        self.forwarded_posts = 0
        self.server = LoopbackServer(self._answer)
        self.url = self.server.url

    def _answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> bytes:
        mode = self.writes if method == "POST" else "pass"
        if mode == "drop":
            return response("502 Bad Gateway", PAGE_502, "text/html")
        if method == "POST":
            self.forwarded_posts += 1
        forward = {k: v for k, v in headers.items() if k in ("authorization", "content-type")}
        request = urllib.request.Request(self.target + target, data=body if method == "POST" else None,
                                         headers=forward, method=method)
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                status, date, answer_body = answer.status, answer.headers.get("Date", ""), answer.read()
        except urllib.error.HTTPError as error:
            status, date, answer_body = error.code, error.headers.get("Date", ""), error.read()
        if mode == "lose":
            return response("502 Bad Gateway", PAGE_502, "text/html")
        return response(f"{status} X", answer_body, extra=f"Date: {date}\r\n")

    def stop(self) -> None:
        self.server.stop()


def cli(relay: Relay, key: str, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
    env.update(DUVO_BASE_URL=relay.url, DUVO_API_KEY=key, DUVO_TEAM_ID=TEAM, NO_COLOR="1")
    return subprocess.run([duvo_bin(), "runs", *args], env=env, capture_output=True, text=True, timeout=120)


def test_an_earlier_identical_write_is_not_taken_for_one_that_never_reached_duvo():
    key = unique_key()
    sim = SimChild(key, ["--rate-limit", "0"])
    relay = Relay(sim.url)
    earlier = RPCChild(sim.url, key)
    rpc = None
    try:
        agent = sim_agent("echo")
        run_id = earlier.result("runs/start", {"agent_id": agent, "message": "yes"})["run"]["id"]
        earlier.result("runs/wait", {"run_id": run_id, "until": "terminal", "timeout_s": 60})
        earlier.result("runs/sendMessage", {"run_id": run_id, "message": "continue"})
        assert earlier.close_and_wait() == 0
        time.sleep(PAST_THE_MARGIN_S)

        relay.writes = "drop"
        rpc = RPCChild(relay.url, key)
        start = rpc.call("runs/start", {"agent_id": agent, "message": "yes"})
        assert "error" in start and start["error"]["data"]["outcome_unknown"] is True, start
        sent = rpc.call("runs/sendMessage", {"run_id": run_id, "message": "continue"})
        assert "error" in sent and sent["error"]["data"]["outcome_unknown"] is True, sent

        started = cli(relay, key, "start", "--agent", agent, "-m", "yes")
        assert started.returncode != 0 and "Started run" not in started.stdout, started
        told = cli(relay, key, "send-message", run_id, "-m", "continue")
        assert told.returncode != 0 and "Sent to run" not in told.stdout, told
        assert relay.forwarded_posts == 0

        # The same relay when the write did reach Duvo: its effect is found and given, once.
        relay.writes = "lose"
        found = rpc.result("runs/start", {"agent_id": agent, "message": "yes"})
        assert found["recovered"] is True and found["run"]["id"] != run_id, found
        rpc.result("runs/wait", {"run_id": found["run"]["id"], "until": "terminal", "timeout_s": 60})
        message = rpc.result("runs/sendMessage", {"run_id": found["run"]["id"], "message": "continue"})
        assert message["recovered"] is True, message
        assert relay.forwarded_posts == 2
        assert rpc.close_and_wait() == 0
    finally:
        earlier.kill()
        if rpc is not None:
            rpc.kill()
        relay.stop()
        sim.stop()
    listed = json.dumps(message)
    assert key not in listed
