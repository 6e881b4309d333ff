"""AsyncDuvoClient against the real `duvo rpc --simulate`: every method, follows, errors, cancellation, shutdown.

Each test drives its own event loop with asyncio.run (no plugin needed); results, errors and notifications are
validated against schema/openrpc.json by the checked client.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import Any, Awaitable, Callable, Dict, List

import pytest

from checked_clients import CheckedAsyncClient
from duvo_bridge import BridgeClosed, Event, FollowEnded, InvalidParams, NotFound
from duvo_contract import SCHEMA_PATH
from follow_checks import assert_complete_follow

IDLE = 30.0
Factory = Callable[..., CheckedAsyncClient]


def run(body: Callable[[], Awaitable[Any]]) -> Any:
    return asyncio.run(asyncio.wait_for(body(), 120))


async def finished(client: CheckedAsyncClient, run_id: str) -> Dict[str, Any]:
    result = await client.wait(run_id, timeout_s=120)
    assert not result["timed_out"]
    return result["run"]


def test_every_method_through_the_async_client(async_client_factory: Factory, agents: Dict[str, str]) -> None:
    async def body() -> None:
        async with async_client_factory() as client:
            assert await client.discover() == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

            run_id = (await client.start(agents["approval"], message="async hello"))["run"]["id"]
            assert (await client.get(run_id))["run"]["id"] == run_id
            waited = await client.wait(run_id, until="attention", timeout_s=120)
            assert waited["pending_human_request"] is not None
            answered = await client.respond(run_id, approved=True)
            assert answered["human_request"]["id"] == waited["pending_human_request"]["id"]
            assert (await finished(client, run_id))["status"] == "completed"
            messages = await client.messages(run_id, all=True)
            assert messages["total"] == len(messages["messages"])

            slow_id = (await client.start(agents["slow"]))["run"]["id"]
            sent = await client.send_message(slow_id, "a note for a busy run")
            assert sent["message"]["text_content"] == "a note for a busy run"
            slow_messages = (await client.messages(slow_id, all=True))["messages"]
            assert sent["message"]["id"] in [m["id"] for m in slow_messages]
            assert (await client.stop(slow_id))["success"] is True
            assert (await finished(client, slow_id))["status"] == "stopped"

            listed = await client.list(all=True)
            assert {run_id, slow_id} <= {r["id"] for r in listed["data"]}
            stats = await client.stats()
            assert stats["counts"].get("completed", 0) >= 1 and stats["counts"].get("stopped", 0) >= 1

    run(body)


def test_async_follow_streams_to_the_end(async_client_factory: Factory, agents: Dict[str, str]) -> None:
    async def body() -> None:
        async with async_client_factory() as client:
            started = await client.start(agents["echo"], message="follow me", follow=True)
            events: List[Event] = [e async for e in client.events(started["subscription"], idle_timeout=IDLE)]
            delivered = assert_complete_follow(events, started["run"]["id"])
            assert delivered == (await client.messages(started["run"]["id"], all=True))["messages"]

            again = [e async for e in client.follow(started["run"]["id"], idle_timeout=IDLE)]
            assert assert_complete_follow(again, started["run"]["id"]) == delivered

    run(body)


def test_two_follows_run_side_by_side(async_client_factory: Factory, agents: Dict[str, str]) -> None:
    async def body() -> None:
        async with async_client_factory() as client:
            ids = [(await client.start(agents[name]))["run"]["id"] for name in ("echo", "chatty")]

            async def follow(run_id: str) -> List[Event]:
                return [e async for e in client.follow(run_id, idle_timeout=IDLE)]

            for run_id, events in zip(ids, await asyncio.gather(*(follow(i) for i in ids))):
                assert_complete_follow(events, run_id)

    run(body)


def test_leaving_an_async_follow_unfollows(async_client_factory: Factory, agents: Dict[str, str]) -> None:
    async def body() -> None:
        async with async_client_factory() as client:
            run_id = (await client.start(agents["slow"]))["run"]["id"]
            async with client.follow(run_id, idle_timeout=IDLE) as follow:
                first = await follow.__anext__()
                assert first.run_id == run_id
            assert follow.subscription is not None
            assert (await client.unfollow(follow.subscription))["success"] is False
            await client.stop(run_id)

    run(body)


def test_async_errors_arrive_as_their_classes(async_client_factory: Factory, agents: Dict[str, str]) -> None:
    async def body() -> None:
        async with async_client_factory() as client:
            with pytest.raises(NotFound) as raised:
                await client.get(str(uuid.uuid4()))
            assert raised.value.code == -31003
            run_id = (await client.start(agents["echo"]))["run"]["id"]
            with pytest.raises(InvalidParams) as invalid:
                await client.raw_call("runs/wait", {"run_id": run_id, "timeout_s": -1})
            assert invalid.value.field == "timeout_s"
            with pytest.raises(NotFound):
                async for _ in client.follow(str(uuid.uuid4())):
                    pass

    run(body)


def test_cancelling_a_task_cancels_its_request(async_client_factory: Factory, agents: Dict[str, str]) -> None:
    async def body() -> None:
        async with async_client_factory() as client:
            run_id = (await client.start(agents["slow"]))["run"]["id"]
            waiting = asyncio.ensure_future(client.wait(run_id))
            await asyncio.sleep(0.05)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
            assert (await client.get(run_id))["run"]["id"] == run_id, "the connection still serves"
            await client.stop(run_id)

    run(body)


def test_async_shutdown_is_clean_and_ends_follows(async_client_factory: Factory, agents: Dict[str, str]) -> None:
    async def body() -> None:
        client = async_client_factory()
        async with client:
            run_id = (await client.start(agents["slow"]))["run"]["id"]
            follow = client.follow(run_id, idle_timeout=IDLE)
            await follow.__anext__()
        assert client.returncode == 0
        rest = [e async for e in follow]
        assert isinstance(rest[-1], FollowEnded) and rest[-1].reason == "shutdown"
        with pytest.raises(BridgeClosed):
            await client.discover()

    run(body)
