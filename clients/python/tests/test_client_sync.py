"""DuvoClient against the real `duvo rpc --simulate`: every method, follows to the end, errors, shutdown.

Every result, error and notification is validated against schema/openrpc.json by the checked client (see
checked_clients.py), on top of what each test asserts.
"""

from __future__ import annotations

import json
import uuid
from typing import Dict, List

import pytest

from checked_clients import CheckedClient
from duvo_bridge import (
    BridgeClosed,
    Cancelled,
    FollowEnded,
    InvalidParams,
    MessageEvent,
    MethodNotFound,
    NotConfigured,
    NotFound,
    StatusEvent,
    Unsupported,
    UpstreamError,
)
from duvo_binary import own_shared_simulator
from duvo_contract import SCHEMA_PATH
from follow_checks import assert_complete_follow

# Bounds every wait for a follow event, so a server that stops talking fails the test instead of hanging it.
IDLE = 30.0


def finished(client: CheckedClient, run_id: str) -> dict:
    result = client.wait(run_id, timeout_s=120)
    assert not result["timed_out"]
    return result["run"]


class TestMethods:
    def test_discover_answers_the_very_schema_file(self, client: CheckedClient) -> None:
        assert client.discover() == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    def test_start_get_messages_and_wait_on_an_echo_run(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        started = client.start(agents["echo"], message="hello from python")
        run = started["run"]
        assert run["agent_id"] == agents["echo"] and "subscription" not in started

        assert client.get(run["id"])["run"]["id"] == run["id"]
        assert finished(client, run["id"])["status"] == "completed"

        everything = client.messages(run["id"], all=True)
        assert everything["total"] == len(everything["messages"]) > 0
        assert any("hello from python" in m.get("text_content", "") for m in everything["messages"])
        page = client.messages(run["id"], limit=1, offset=1)
        assert page["messages"] == everything["messages"][1:2]
        assert page["total"] == everything["total"]

    def test_send_message_is_stored_on_the_run(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["slow"])["run"]["id"]
        sent = client.send_message(run_id, "please also check the backup")["message"]
        assert sent["text_content"] == "please also check the backup"
        ids = [m["id"] for m in client.messages(run_id, all=True)["messages"]]
        assert sent["id"] in ids
        client.stop(run_id)

    def test_approving_a_waiting_run_lets_it_complete(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["approval"])["run"]["id"]
        waited = client.wait(run_id, until="attention", timeout_s=120)
        assert waited["run"]["status"] == "waiting" and not waited["timed_out"]
        pending = waited["pending_human_request"]
        assert pending is not None and pending["type"] == "approval"
        assert client.get(run_id)["pending_human_request"]["id"] == pending["id"]

        answered = client.respond(run_id, approved=True)["human_request"]
        assert answered["id"] == pending["id"] and answered["run_id"] == run_id
        assert finished(client, run_id)["status"] == "completed"

    def test_answering_questions_by_header_and_index(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["questions"])["run"]["id"]
        pending = client.wait(run_id, until="attention", timeout_s=120)["pending_human_request"]
        assert pending is not None and pending["type"] == "question"
        questions = pending["questions"]
        answers: Dict[str, object] = {}
        for index, question in enumerate(questions):
            labels = [o["label"] for o in question.get("options", [])] or ["yes"]
            key = question.get("header", str(index)) if index == 0 else str(index)
            answers[key] = labels[:2] if question.get("multi_select") else labels[0]
        assert any(isinstance(v, list) for v in answers.values()), "the questions agent has a multi-select question"

        answered = client.respond(run_id, answers=answers, request_id=pending["id"])["human_request"]
        assert answered["id"] == pending["id"] and answered["response"]
        assert finished(client, run_id)["status"] == "completed"

    def test_respond_with_nothing_pending_is_invalid_params(
        self, client: CheckedClient, agents: Dict[str, str]
    ) -> None:
        run_id = client.start(agents["echo"])["run"]["id"]
        finished(client, run_id)
        with pytest.raises(InvalidParams) as raised:
            client.respond(run_id, approved=True)
        assert raised.value.code == -32602

    def test_stop_ends_a_slow_run_as_stopped(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["slow"])["run"]["id"]
        assert client.stop(run_id)["success"] is True
        assert finished(client, run_id)["status"] == "stopped"

    def test_a_failing_agent_ends_failed(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["failing"])["run"]["id"]
        assert finished(client, run_id)["status"] == "failed"

    def test_wait_times_out_without_an_error(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["slow"])["run"]["id"]
        waited = client.wait(run_id, timeout_s=0.2)
        assert waited["timed_out"] is True
        assert waited["run"]["status"] not in {"completed", "failed", "stopped", "interrupted"}
        client.stop(run_id)

    def test_list_filters_by_agent_and_status(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        echo_id = client.start(agents["echo"])["run"]["id"]
        failing_id = client.start(agents["failing"])["run"]["id"]
        finished(client, echo_id)
        finished(client, failing_id)

        mine = client.list(agent_id=agents["echo"], all=True)
        assert echo_id in [r["id"] for r in mine["data"]]
        assert {r["agent_id"] for r in mine["data"]} == {agents["echo"]}
        assert mine["total"] == len(mine["data"])

        failed = client.list(status=["failed"], limit=100)
        assert failing_id in [r["id"] for r in failed["data"]]
        assert {r["status"] for r in failed["data"]} == {"failed"}

        page = client.list(limit=1, sort_by="created_at", sort_order="desc")
        assert len(page["data"]) == 1 and page["limit"] == 1

    def test_stats_count_what_list_returns(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        for name in ("echo", "failing"):
            finished(client, client.start(agents[name])["run"]["id"])
        stats = client.stats()
        listed = client.list(all=True)
        assert stats["total"] == listed["total"] and stats["counted"] == len(listed["data"])
        expected: Dict[str, int] = {}
        for run in listed["data"]:
            expected[run["status"]] = expected.get(run["status"], 0) + 1
        assert stats["counts"] == expected
        terminal = sum(n for s, n in expected.items() if s in {"completed", "failed", "stopped", "interrupted"})
        assert stats["failure_rate"] == pytest.approx(expected.get("failed", 0) / terminal)
        durations = stats["duration_seconds"]
        assert durations["count"] <= terminal
        if durations["count"]:
            assert durations["min"] <= durations["p50"] <= durations["p95"] <= durations["max"]

    def test_stats_of_one_agent(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        finished(client, client.start(agents["failing"])["run"]["id"])
        stats = client.stats(agent_id=agents["failing"])
        assert stats["counts"].get("failed", 0) >= 1 and stats["failure_rate"] == 1


class TestFollow:
    def test_start_with_follow_streams_every_message_then_the_end(
        self, client: CheckedClient, agents: Dict[str, str]
    ) -> None:
        started = client.start(agents["echo"], message="follow me", follow=True)
        run_id = started["run"]["id"]
        events = list(client.events(started["subscription"], idle_timeout=IDLE))
        delivered = assert_complete_follow(events, run_id)
        assert delivered == client.messages(run_id, all=True)["messages"]

    def test_follow_of_a_finished_run_replays_it(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["echo"])["run"]["id"]
        finished(client, run_id)
        events = list(client.follow(run_id, idle_timeout=IDLE))
        assert assert_complete_follow(events, run_id) == client.messages(run_id, all=True)["messages"]

    def test_follow_with_offset_skips_the_first_messages(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["echo"])["run"]["id"]
        finished(client, run_id)
        events = list(client.follow(run_id, offset=1, idle_timeout=IDLE))
        assert assert_complete_follow(events, run_id, offset=1) == client.messages(run_id, all=True)["messages"][1:]

    def test_a_chatty_run_arrives_whole_and_in_order(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        started = client.start(agents["chatty"], follow=True)
        events = list(client.events(started["subscription"], idle_timeout=IDLE))
        delivered = assert_complete_follow(events, started["run"]["id"])
        assert len(delivered) >= 100
        assert [m["id"] for m in delivered] == [
            m["id"] for m in client.messages(started["run"]["id"], all=True)["messages"]
        ]

    def test_a_follow_sees_the_run_wait_for_approval(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        started = client.start(agents["approval"], follow=True)
        seen: List[object] = []
        for event in client.events(started["subscription"], idle_timeout=IDLE):
            seen.append(event)
            if isinstance(event, StatusEvent) and event.status == "waiting":
                assert event.pending_human_request is not None
                client.respond(event.run_id, approved=False, request_id=event.pending_human_request["id"])
        assert_complete_follow(seen, started["run"]["id"])
        assert any(isinstance(e, StatusEvent) and e.status == "waiting" for e in seen)

    def test_unfollow_ends_the_follow_early(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["slow"])["run"]["id"]
        follow = client.follow(run_id, idle_timeout=IDLE)
        first = next(follow)
        assert isinstance(first, (StatusEvent, MessageEvent))
        assert client.unfollow(follow.subscription)["success"] is True
        rest = list(follow)
        assert isinstance(rest[-1], FollowEnded) and rest[-1].reason == "unfollowed"
        assert client.unfollow(follow.subscription)["success"] is False
        client.stop(run_id)

    def test_closing_a_follow_unfollows(self, client: CheckedClient, agents: Dict[str, str]) -> None:
        run_id = client.start(agents["slow"])["run"]["id"]
        with client.follow(run_id, idle_timeout=IDLE) as follow:
            next(follow)
        assert client.unfollow(follow.subscription)["success"] is False
        client.stop(run_id)

    def test_shutdown_ends_open_follows_with_reason_shutdown(
        self, client: CheckedClient, agents: Dict[str, str]
    ) -> None:
        run_id = client.start(agents["slow"])["run"]["id"]
        follow = client.follow(run_id, idle_timeout=IDLE)
        next(follow)
        assert client.close() == 0
        rest = list(follow)
        assert isinstance(rest[-1], FollowEnded) and rest[-1].reason == "shutdown"


class TestErrors:
    def test_get_of_an_unknown_run_is_not_found(self, client: CheckedClient) -> None:
        with pytest.raises(NotFound) as raised:
            client.get(str(uuid.uuid4()))
        assert raised.value.code == -31003
        assert isinstance(raised.value, UpstreamError)
        assert raised.value.http_status == 404

    def test_follow_of_an_unknown_run_is_not_found(self, client: CheckedClient) -> None:
        with pytest.raises(NotFound):
            client.follow(str(uuid.uuid4()))

    def test_a_wrong_param_is_invalid_params_naming_the_field(self, client: CheckedClient) -> None:
        with pytest.raises(InvalidParams) as raised:
            client.raw_call("runs/get", {"run_id": 42})
        assert raised.value.field == "run_id"

    def test_a_missing_param_is_invalid_params_naming_the_field(self, client: CheckedClient) -> None:
        with pytest.raises(InvalidParams) as raised:
            client.raw_call("runs/sendMessage", {"run_id": str(uuid.uuid4())})
        assert raised.value.field == "message"

    def test_an_unknown_method_is_method_not_found(self, client: CheckedClient) -> None:
        with pytest.raises(MethodNotFound) as raised:
            client.raw_call("runs/teleport", {})
        assert raised.value.code == -32601

    def test_a_client_timeout_cancels_the_request_on_the_server(
        self, client: CheckedClient, agents: Dict[str, str]
    ) -> None:
        run_id = client.start(agents["slow"])["run"]["id"]
        with pytest.raises(Cancelled) as raised:
            client.call("runs/wait", {"run_id": run_id}, timeout=0.2)
        assert raised.value.code == -32800
        assert client.get(run_id)["run"]["id"] == run_id, "the connection still serves after a cancellation"
        client.stop(run_id)

    def test_without_a_key_duvo_methods_say_how_to_set_it(self, client_factory) -> None:
        # No --simulate: the real API path, with no key and an address nothing listens on, so nothing leaves
        # this machine.
        client = client_factory(
            env={"DUVO_API_KEY": None, "DUVO_API_KEY_FILE": None, "DUVO_BASE_URL": "http://127.0.0.1:9"},
            simulate=False,
        )
        with pytest.raises(NotConfigured) as raised:
            client.get(str(uuid.uuid4()))
        assert "DUVO_API_KEY" in raised.value.message
        assert client.discover()["openrpc"] == "1.3.2", "discovery works without a key"

    def test_list_on_api_v1_is_unsupported(self, client_factory) -> None:
        client = client_factory(env={"DUVO_API_VERSION": "v1"})
        with pytest.raises(Unsupported) as raised:
            client.list()
        assert raised.value.code == -31010


class TestLifecycle:
    def test_close_exits_cleanly_and_later_calls_fail_fast(self, client: CheckedClient) -> None:
        client.discover()
        assert client.close() == 0
        assert client.returncode == 0
        with pytest.raises(BridgeClosed):
            client.discover()

    def test_context_manager_closes_the_process(self, duvo: str) -> None:
        from duvo_binary import rpc_command
        from duvo_bridge import DuvoClient

        with DuvoClient(rpc_command()) as plain:
            assert plain.discover()["info"]["title"] == "duvo-bridge"
        assert plain.returncode == 0

    def test_simulate_shortcut_builds_the_command(self, duvo: str) -> None:
        from duvo_bridge import DuvoClient

        with own_shared_simulator(duvo) as env:  # --simulate: a shared simulator, here the test's own
            with DuvoClient([duvo, "rpc"], simulate=True, sim_speed=50, env=env) as plain:
                assert plain.discover()["openrpc"] == "1.3.2"
        assert plain.returncode == 0

    def test_concurrent_calls_from_threads_all_get_their_answers(
        self, client: CheckedClient, agents: Dict[str, str]
    ) -> None:
        from concurrent.futures import ThreadPoolExecutor

        run_id = client.start(agents["echo"])["run"]["id"]
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: client.get(run_id)["run"]["id"], range(32)))
        assert results == [run_id] * 32
