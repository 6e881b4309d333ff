"""Runs as tasks (the MCP Tasks extension, `io.modelcontextprotocol/tasks`), driven by a JSON-RPC client written
here against the extension's schema (no SDK implements it yet): start a run as a task, poll it to
`input_required`, answer with `tasks/update`, poll to `completed`; `tasks/cancel` stops the run; `notifications/tasks`
arrive on a `subscriptions/listen` stream; a client that does not declare the extension never gets a task."""

from __future__ import annotations

import json
import time
from typing import Any

from mcp_harness import RawServer

MODERN = "2026-07-28"
TASKS = "io.modelcontextprotocol/tasks"
TASK_STATUSES = {"working", "input_required", "completed", "cancelled", "failed"}
# The simulator runs 50x faster, so a run is over within seconds; this only stops a broken server hanging the suite.
POLL_DEADLINE_S = 60


def meta(tasks: bool = True, elicitation: bool = True) -> dict[str, Any]:
    """A 2026 request's `_meta`, declaring the extension and form elicitation as asked."""
    capabilities: dict[str, Any] = {}
    if tasks:
        capabilities["extensions"] = {TASKS: {}}
    if elicitation:
        capabilities["elicitation"] = {"form": {}}
    return {"io.modelcontextprotocol/protocolVersion": MODERN,
            "io.modelcontextprotocol/clientCapabilities": capabilities,
            "io.modelcontextprotocol/clientInfo": {"name": "tasks-test", "version": "1"}}


class TaskClient:
    """The extension's three methods and task creation over a plain pipe."""

    def __init__(self, server: RawServer) -> None:
        self.server = server
        self.next_id = 100

    def request(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        self.next_id += 1
        return self.server.request(self.next_id, method, params)

    def start(self, agent_id: str, **declared: bool) -> dict[str, Any]:
        answer = self.request("tools/call", {"name": "duvo_start_run", "arguments": {"agent_id": agent_id},
                                             "_meta": meta(**declared)})
        return answer["result"]

    def get(self, task_id: str) -> dict[str, Any]:
        task = self.request("tasks/get", {"taskId": task_id, "_meta": meta()})["result"]
        check_task(task)
        assert task["resultType"] == "complete"
        return task

    def poll_until(self, task_id: str, statuses: set[str]) -> dict[str, Any]:
        """Polls as the extension asks: no faster than the task's `pollIntervalMs`."""
        deadline = time.monotonic() + POLL_DEADLINE_S
        while True:
            task = self.get(task_id)
            if task["status"] in statuses:
                return task
            assert time.monotonic() < deadline, f"task stuck in {task['status']}"
            time.sleep(task["pollIntervalMs"] / 1000)


def check_task(task: dict[str, Any]) -> None:
    """The `Task` shape of the extension's schema."""
    assert isinstance(task["taskId"], str) and task["status"] in TASK_STATUSES
    for stamp in ("createdAt", "lastUpdatedAt"):
        assert isinstance(task[stamp], str) and "T" in task[stamp]
    assert task["ttlMs"] is None or (isinstance(task["ttlMs"], int) and task["ttlMs"] >= 0)
    assert isinstance(task["pollIntervalMs"], int) and task["pollIntervalMs"] > 0
    if task["status"] == "input_required":
        assert isinstance(task["inputRequests"], dict)
    if task["status"] == "completed":
        assert isinstance(task["result"]["content"], list)
    if task["status"] == "failed":
        assert isinstance(task["error"]["code"], int)


def test_a_run_as_a_task_is_answered_through_update_and_completes(duvo: str, agents: dict[str, str]) -> None:
    with RawServer() as server:
        client = TaskClient(server)
        created = client.start(agents["approval"])
        assert created["resultType"] == "task"
        check_task(created)
        assert created["status"] == "working"
        task_id = created["taskId"]

        waiting = client.poll_until(task_id, {"input_required", "completed"})
        assert waiting["status"] == "input_required", waiting
        [(key, request)] = list(waiting["inputRequests"].items())
        assert request["method"] == "elicitation/create" and request["params"]["mode"] == "form"
        assert request["params"]["requestedSchema"]["properties"]["approved"]["type"] == "boolean"
        assert "Send the weekly sales report?" in request["params"]["message"]
        # A poll before the answer shows the same request under the same key.
        assert list(client.get(task_id)["inputRequests"]) == [key]

        ack = client.request("tasks/update", {"taskId": task_id, "_meta": meta(),
                                              "inputResponses": {key: {"action": "accept",
                                                                       "content": {"approved": True}}}})
        assert ack["result"]["resultType"] == "complete"

        done = client.poll_until(task_id, {"completed", "failed", "cancelled"})
        assert done["status"] == "completed"
        assert done["result"]["isError"] is False
        assert done["result"]["structuredContent"]["run"]["status"] == "completed"
        assert "duvo_list_messages" in done["result"]["content"][0]["text"]
        # The run's final output comes with the result.
        last = done["result"]["structuredContent"]["last_message"]
        assert last["text_content"] and last["text_content"] in done["result"]["content"][0]["text"]


def test_a_declined_update_leaves_the_task_waiting(duvo: str, agents: dict[str, str]) -> None:
    with RawServer() as server:
        client = TaskClient(server)
        task_id = client.start(agents["approval"])["taskId"]
        waiting = client.poll_until(task_id, {"input_required"})
        key = next(iter(waiting["inputRequests"]))
        ack = client.request("tasks/update", {"taskId": task_id, "_meta": meta(),
                                              "inputResponses": {key: {"action": "decline"}}})
        assert ack["result"]["resultType"] == "complete"
        again = client.get(task_id)
        assert again["status"] == "input_required" and key in again["inputRequests"]
        client.request("tasks/cancel", {"taskId": task_id, "_meta": meta()})


def test_cancel_stops_the_run(duvo: str, agents: dict[str, str]) -> None:
    with RawServer() as server:
        client = TaskClient(server)
        task_id = client.start(agents["slow"])["taskId"]
        ack = client.request("tasks/cancel", {"taskId": task_id, "_meta": meta()})
        assert ack["result"]["resultType"] == "complete"
        assert client.poll_until(task_id, {"cancelled", "completed"})["status"] == "cancelled"
        run = client.request("tools/call", {"name": "duvo_get_run", "arguments": {"run_id": task_id},
                                            "_meta": meta()})["result"]["structuredContent"]["run"]
        assert run["status"] == "stopped"


def test_an_interrupted_run_is_a_completed_task_with_a_tool_error(duvo: str, agents: dict[str, str]) -> None:
    with RawServer() as server:
        client = TaskClient(server)
        task_id = client.start(agents["interrupted"])["taskId"]
        done = client.poll_until(task_id, {"completed", "failed", "cancelled"})
        assert done["status"] == "completed" and done["result"]["isError"] is True
        assert "interrupted" in done["result"]["content"][0]["text"]


def test_no_task_for_a_client_that_did_not_declare_the_extension(duvo: str, agents: dict[str, str]) -> None:
    with RawServer() as server:
        client = TaskClient(server)
        plain = client.start(agents["echo"], tasks=False)
        assert plain["resultType"] == "complete" and "taskId" not in plain
        run_id = plain["structuredContent"]["run"]["id"]
        refused = client.request("tasks/get", {"taskId": run_id, "_meta": meta(tasks=False)})
        assert refused["error"]["code"] == -32021
        assert refused["error"]["data"]["requiredCapabilities"] == {"extensions": {TASKS: {}}}
        listen = client.request("subscriptions/listen", {"notifications": {"taskIds": [run_id]},
                                                         "_meta": meta(tasks=False)})
        assert listen["error"]["code"] == -32021


def test_unknown_tasks_are_invalid_params(duvo: str) -> None:
    with RawServer() as server:
        client = TaskClient(server)
        for task_id in ("not-a-task", "00000000-0000-4000-8000-000000000000"):
            answer = client.request("tasks/get", {"taskId": task_id, "_meta": meta()})
            assert answer["error"]["code"] == -32602 and "task" in answer["error"]["message"].lower(), answer
        missing = client.request("tasks/get", {"_meta": meta()})
        assert missing["error"]["code"] == -32602 and missing["error"]["data"]["field"] == "taskId"


def test_poll_intervals_fit_every_live_task_in_the_rate_budget(duvo: str, agents: dict[str, str]) -> None:
    limit = 60
    with RawServer("--rate-limit", str(limit)) as server:
        client = TaskClient(server)
        created = [client.start(agents["slow"]) for _ in range(3)]
        for count, task in enumerate(created, start=1):
            # Every live task polled at its suggested interval stays within the budget, with room for calls.
            assert count * 60_000 / task["pollIntervalMs"] <= limit / 2
        latest = client.get(created[0]["taskId"])
        assert 3 * 60_000 / latest["pollIntervalMs"] <= limit / 2
        for task in created:
            client.request("tasks/cancel", {"taskId": task["taskId"], "_meta": meta()})


def test_task_notifications_arrive_on_a_listen_stream(duvo: str, agents: dict[str, str]) -> None:
    with RawServer() as server:
        client = TaskClient(server)
        task_id = client.start(agents["echo"])["taskId"]
        server.send({"jsonrpc": "2.0", "id": 50, "method": "subscriptions/listen",
                     "params": {"notifications": {"taskIds": [task_id], "toolsListChanged": True},
                                "_meta": meta()}})
        ack = json.loads(server.readline())
        assert ack["method"] == "notifications/subscriptions/acknowledged"
        assert ack["params"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == 50
        assert ack["params"]["notifications"] == {"taskIds": [task_id]}
        statuses = []
        deadline = time.monotonic() + POLL_DEADLINE_S
        while "completed" not in statuses:
            assert time.monotonic() < deadline
            message = json.loads(server.readline(timeout=POLL_DEADLINE_S))
            assert message.get("method") == "notifications/tasks", message
            params = message["params"]
            assert params["_meta"]["io.modelcontextprotocol/subscriptionId"] == 50
            assert params["taskId"] == task_id
            check_task(params)
            statuses.append(params["status"])
        assert statuses[-1] == "completed"
        # The client ends the stream, which closes with the graceful result; the process goes on serving.
        server.send({"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": 50}})
        closed = json.loads(server.readline())
        assert closed["id"] == 50 and closed["result"]["resultType"] == "complete"
        assert closed["result"]["_meta"]["io.modelcontextprotocol/subscriptionId"] == 50
        assert client.get(task_id)["status"] == "completed"
