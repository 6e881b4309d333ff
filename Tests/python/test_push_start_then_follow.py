"""A run a bridge started with its webhook but did not follow at once (an MCP start then wait, a JSON-RPC start then
follow) is still read only as a safety net once followed: the simulator serves fewer reads of it than of the same run
followed by a bridge without `--webhooks`."""

from __future__ import annotations

from test_webhooks_push import follow_an_approval, reads_of, runtime, sim  # noqa: F401 (fixtures)
from test_webhooks_receiver import Receiver


def test_a_run_started_then_followed_later_is_read_only_as_a_safety_net(duvo, runtime, sim):
    sim_url, sim_log = sim
    receiver = Receiver(duvo, runtime)
    try:
        polled, _ = follow_an_approval(duvo, sim_url, runtime, [], waiting_s=8, follow_later=True)
        pushed, _ = follow_an_approval(duvo, sim_url, runtime, ["--webhooks", receiver.base], waiting_s=8,
                                       follow_later=True)
        log = sim_log()
        assert reads_of(pushed, log) < reads_of(polled, log), \
            f"reads with push {reads_of(pushed, log)}, polling {reads_of(polled, log)}"
        assert f"published run_completed for run {pushed}" in receiver.log()
    finally:
        receiver.stop()
