"""The client's side of the wire, against a scripted peer: orderings and failures the real server produces only by
chance (notifications before the answer that names their subscription, a process that dies mid-call)."""

from __future__ import annotations

import asyncio
import sys
import textwrap
from typing import List

import pytest

from duvo_bridge import (AsyncDuvoClient, BridgeClosed, DuvoClient, FollowEnded, MessageEvent, NetworkError, NotFound,
                         StatusEvent)

RUN = "550e8400-e29b-41d4-a716-446655440000"

# A peer that answers runs/follow only after sending the whole follow, so every notification arrives before the
# client knows the subscription; any other method gets NotFound; "die" makes it exit without answering.
PEER = textwrap.dedent(
    f"""
    import json, sys
    def send(obj):
        sys.stdout.write(json.dumps(obj) + "\\n"); sys.stdout.flush()
    def note(method, **params):
        send({{"jsonrpc": "2.0", "method": method, "params": dict(subscription="s1", run_id="{RUN}", **params)}})
    for line in sys.stdin:
        request = json.loads(line)
        if request["method"] == "die":
            sys.exit(3)
        if request["method"] == "runs/start":
            send({{"jsonrpc": "2.0", "id": request["id"], "error": {{"code": -31007, "message": "start run: lost",
                   "data": {{"outcome_unknown": True, "check": "runs/list with agent_id {RUN}"}}}}}})
            continue
        if request["method"] == "runs/follow":
            run = {{"id": "{RUN}", "agent_id": "{RUN}", "status": "completed"}}
            note("runs/message", index=0, message={{"id": "m0", "type": "text", "role": "user", "timestamp": "t"}})
            note("runs/message", index=1, message={{"id": "m1", "type": "text", "role": "assistant", "timestamp": "t"}})
            note("runs/status", status="completed", previous_status=None, run=run, pending_human_request=None)
            note("runs/followEnded", status="completed", reason="terminal")
            send([{{"jsonrpc": "2.0", "id": request["id"], "result": {{"subscription": "s1"}}}}])
        else:
            send({{"jsonrpc": "2.0", "id": request["id"],
                   "error": {{"code": -31003, "message": "Not found", "data": {{"http_status": 404}}}}}})
    """
)


def peer() -> List[str]:
    return [sys.executable, "-c", PEER]


def test_notifications_before_the_follow_answer_are_kept_in_order() -> None:
    with DuvoClient(peer()) as client:
        events = list(client.follow(RUN, idle_timeout=10))
    assert [type(e) for e in events] == [MessageEvent, MessageEvent, StatusEvent, FollowEnded]
    assert [e.index for e in events if isinstance(e, MessageEvent)] == [0, 1]
    assert client.returncode == 0


def test_async_notifications_before_the_follow_answer_are_kept_in_order() -> None:
    async def body() -> List[object]:
        async with AsyncDuvoClient(peer()) as client:
            return [e async for e in client.follow(RUN, idle_timeout=10)]

    events = asyncio.run(body())
    assert [type(e) for e in events] == [MessageEvent, MessageEvent, StatusEvent, FollowEnded]


def test_an_error_answer_carries_code_message_and_data() -> None:
    with DuvoClient(peer()) as client:
        with pytest.raises(NotFound) as raised:
            client.get(RUN)
    assert (raised.value.code, raised.value.message, raised.value.http_status) == (-31003, "Not found", 404)


def test_a_start_whose_outcome_is_unknown_says_so_and_how_to_check() -> None:
    with DuvoClient(peer()) as client:
        with pytest.raises(NetworkError) as raised:
            client.call("runs/start", {"agent_id": RUN, "message": "hi"})
    assert raised.value.outcome_unknown is True
    assert raised.value.check == f"runs/list with agent_id {RUN}"
    with DuvoClient(peer()) as client:
        with pytest.raises(NotFound) as not_found:
            client.get(RUN)
    assert not_found.value.outcome_unknown is False and not_found.value.check is None


def test_a_process_that_dies_mid_call_raises_bridge_closed() -> None:
    client = DuvoClient(peer())
    with pytest.raises(BridgeClosed) as raised:
        client.call("die")
    assert raised.value.returncode == 3
    with pytest.raises(BridgeClosed):
        client.get(RUN)
    assert client.close() == 3


def test_async_a_process_that_dies_mid_call_raises_bridge_closed() -> None:
    async def body() -> None:
        async with AsyncDuvoClient(peer()) as client:
            with pytest.raises(BridgeClosed):
                await client.call("die")

    asyncio.run(body())


def test_a_missing_binary_says_how_to_point_at_one() -> None:
    with pytest.raises(FileNotFoundError, match="DUVO_BIN"):
        DuvoClient(["/nonexistent/duvo", "rpc"])
