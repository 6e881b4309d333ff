"""What the framework tests share besides fixtures: sample calls and the checks of converted schemas."""

from __future__ import annotations

import asyncio
from typing import Any, Awaitable, TypeVar

from jsonschema import Draft202012Validator

T = TypeVar("T")

RUN_ID = "9d62cec9-0399-4a75-ab43-35aef5928baf"
AGENT_ID = "3f1c2a9e-5b7d-4e21-9a8c-1d2e3f4a5b60"

# A valid value for each tool's required arguments.
REQUIRED = {
    "duvo_start_run": {"agent_id": AGENT_ID},
    "duvo_get_run": {"run_id": RUN_ID},
    "duvo_list_messages": {"run_id": RUN_ID},
    "duvo_send_message": {"run_id": RUN_ID, "message": "hello"},
    "duvo_respond_to_human_request": {"run_id": RUN_ID},
    "duvo_stop_run": {"run_id": RUN_ID},
    "duvo_list_runs": {},
    "duvo_wait_for_run": {"run_id": RUN_ID},
    "duvo_run_stats": {},
}

# Question answers in the shape a strict client can send (a map has no strict form).
ANSWERS = [{"question": "Which regions?", "answer": "EMEA"}]

# Each framework's calls of a tool must end well within this; a broken server must not hang the suite.
DEADLINE_S = 60


def strict_call(tool: str, properties: dict[str, Any]) -> dict[str, Any]:
    """What a model in OpenAI strict mode sends: every property, null for each optional one it leaves out."""
    return {name: REQUIRED[tool].get(name) for name in properties}


def check_strict_parameters(tool: str, original: dict[str, Any], converted: dict[str, Any]) -> None:
    """A strict conversion of `original` keeps every argument and lets a strict model call the tool validly.

    In strict mode every property is required; an optional argument survives only when it is nullable, so the
    model can say "absent" with null. Question answers must be sendable as {question, answer} items.
    """
    Draft202012Validator.check_schema(converted)
    assert converted.get("additionalProperties") is False, f"{tool}: strict schemas close every object"
    assert set(converted["properties"]) == set(original["properties"]), f"{tool}: arguments lost or added"
    assert set(converted.get("required", [])) == set(converted["properties"]), f"{tool}: strict requires them all"
    call = strict_call(tool, converted["properties"])
    errors = [error.message for error in Draft202012Validator(converted).iter_errors(call)]
    assert not errors, f"{tool}: a strict call with only its required arguments is invalid: {errors}"
    if tool == "duvo_respond_to_human_request":
        answered = {**call, "answers": ANSWERS}
        errors = [error.message for error in Draft202012Validator(converted).iter_errors(answered)]
        assert not errors, f"{tool}: answers as {{question, answer}} items are invalid: {errors}"


def answers_item_schema(parameters: dict[str, Any]) -> dict[str, Any]:
    """The schema of one item of `answers` in a converted declaration (nullable unions unwrapped)."""
    answers = parameters["properties"]["answers"]
    for key in ("anyOf", "any_of", "oneOf"):
        for option in answers.get(key, []):
            if "items" in option:
                answers = option
    assert "items" in answers, f"answers is not a list any more: {answers}"
    return answers["items"]


def run(coroutine: Awaitable[T]) -> T:
    """Runs one test's coroutine with the suite's deadline."""
    async def bounded() -> T:
        return await asyncio.wait_for(coroutine, DEADLINE_S)
    return asyncio.run(bounded())
