"""The promises a follow makes, checked on the events it yielded (shared by the sync and async suites)."""

from __future__ import annotations

from typing import List, Sequence

from duvo_bridge import Event, FollowEnded, MessageEvent, StatusEvent
from duvo_bridge.models import Message


def assert_complete_follow(events: Sequence[Event], run_id: str, offset: int = 0) -> List[Message]:
    """Asserts a follow that ran to the run's end kept every promise, and returns the messages it delivered.

    Every message once, in order, indices from `offset` with no gap; statuses chained through previous_status;
    all messages before the terminal status; FollowEnded (reason terminal, the same status) last and only once.
    """
    assert events, "a follow yields at least its FollowEnded"
    assert {e.run_id for e in events} == {run_id}
    assert len({e.subscription for e in events}) == 1, "one follow, one subscription"
    *body, last = events
    assert isinstance(last, FollowEnded), f"the last event must be FollowEnded, got {last!r}"
    assert not any(isinstance(e, FollowEnded) for e in body), "FollowEnded comes once, last"

    messages = [e for e in body if isinstance(e, MessageEvent)]
    assert [m.index for m in messages] == list(range(offset, offset + len(messages))), "each index once, in order"

    statuses = [e for e in body if isinstance(e, StatusEvent)]
    assert statuses, "a follow reports the run's status"
    assert statuses[0].previous_status is None, "the first status event reports the status found"
    for before, after in zip(statuses, statuses[1:]):
        assert after.previous_status == before.status, "status events chain through previous_status"
        assert after.status != before.status, "a status event reports a change"
    final = statuses[-1]
    assert final.terminal, f"the follow ended on a non-terminal status {final.status!r}"
    assert [e for e in statuses if e.terminal] == [final], "one terminal status, the last one"
    assert body.index(final) > max((body.index(m) for m in messages), default=-1), "all messages before the end"
    assert final.run["status"] == final.status

    assert last.reason == "terminal" and last.status == final.status and last.error is None
    return [m.message for m in messages]
