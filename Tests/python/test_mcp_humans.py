"""Humans in the loop over MCP: a waited-on run that needs a person asks them through the SDK's elicitation callback,
posts the answer and keeps waiting; without the capability (or on decline) the model gets the pending request."""

from __future__ import annotations

from typing import Any

import mcp_types as types
import pytest
from mcp.client.session import ClientRequestContext

from mcp_harness import call, mcp_session, start, text_of, wait_until_finished

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


class Person:
    """An elicitation callback that records what it was asked and answers as told."""

    def __init__(self, action: str, content: dict[str, Any] | None = None) -> None:
        self.action = action
        self.content = content
        self.asked: list[types.ElicitRequestFormParams] = []

    async def __call__(self, context: ClientRequestContext, params: types.ElicitRequestParams) -> types.ElicitResult:
        assert isinstance(params, types.ElicitRequestFormParams)
        self.asked.append(params)
        return types.ElicitResult(action=self.action, content=self.content)  # type: ignore[arg-type]


async def messages_of(session: Any, run_id: str) -> list[str]:
    result = await call(session, "duvo_list_messages", {"run_id": run_id, "limit": 100})
    assert result.structured_content is not None
    return [m.get("text_content") or "" for m in result.structured_content["messages"]]


async def test_an_approval_asked_through_elicitation_lets_the_run_complete(duvo: str, agents: dict[str, str]) -> None:
    person = Person("accept", {"approved": True})
    async with mcp_session(elicitation_callback=person) as session:
        run_id = await start(session, agents["approval"])
        finished = await wait_until_finished(session, run_id)
        assert finished["finished"] is True and finished["status"] == "completed"
        assert "The user answered \"Send the weekly sales report?\": approved." in finished["next"]
        assert "Approved: I sent the report to 3 recipients." in await messages_of(session, run_id)

    assert len(person.asked) == 1
    form = person.asked[0]
    assert "Send the weekly sales report?" in form.message
    assert form.requested_schema["required"] == ["approved"]
    assert form.requested_schema["properties"]["approved"]["type"] == "boolean"


async def test_questions_become_choices_and_multi_select_an_array(duvo: str, agents: dict[str, str]) -> None:
    person = Person("accept", {"city": "Lisbon", "days": ["Monday", "Friday"]})
    async with mcp_session(elicitation_callback=person) as session:
        run_id = await start(session, agents["questions"])
        finished = await wait_until_finished(session, run_id)
        assert finished["status"] == "completed"
        summary = [text for text in await messages_of(session, run_id) if text.startswith("Summary of your answers")]
        assert summary and "Lisbon" in summary[0] and "Monday,Friday" in summary[0]

    schema = person.asked[0].requested_schema
    city, days = schema["properties"]["city"], schema["properties"]["days"]
    assert city["type"] == "string" and city["enum"] == ["Lisbon", "Prague", "Berlin"]
    assert "Warm, direct flights" in city["description"]
    assert days["type"] == "array" and days["items"]["enum"][0] == "Monday"
    assert sorted(schema["required"]) == ["city", "days"]


async def test_a_declined_request_comes_back_to_the_model(duvo: str, agents: dict[str, str]) -> None:
    person = Person("decline")
    async with mcp_session(elicitation_callback=person) as session:
        run_id = await start(session, agents["approval"])
        paused = await wait_until_finished(session, run_id)
        assert paused["finished"] is False and paused["status"] == "waiting"
        assert paused["pending_human_request"]["title"] == "Send the weekly sales report?"
        assert "declined" in paused["next"] and "duvo_respond_to_human_request" in paused["next"]
        # The model can still answer once the user decides.
        answered = await call(session, "duvo_respond_to_human_request", {"run_id": run_id, "approved": True})
        assert not answered.is_error, text_of(answered)
    assert len(person.asked) == 1


async def test_without_elicitation_the_model_is_told_to_respond(duvo: str, agents: dict[str, str]) -> None:
    async with mcp_session() as session:
        run_id = await start(session, agents["questions"])
        paused = await wait_until_finished(session, run_id)
        assert paused["status"] == "waiting" and paused["pending_human_request"]["type"] == "question"
        assert "duvo_respond_to_human_request" in paused["next"]
        answered = await call(session, "duvo_respond_to_human_request", {
            "run_id": run_id,
            "answers": {"City": "Prague", "Which days work for you?": ["Tuesday", "Wednesday"]},
        })
        assert not answered.is_error, text_of(answered)
        assert (await wait_until_finished(session, run_id))["status"] == "completed"
