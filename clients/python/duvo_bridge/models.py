"""Typed shapes of what `duvo rpc` answers, mirroring schema/openrpc.json (Duvo's snake_case wire names).

These are `TypedDict`s over the plain decoded JSON: objects Duvo returns carry every field it sends, including ones
not listed here, so read unknown fields with `.get()`.
"""

from __future__ import annotations

from typing import Any, Dict, List, Literal, Optional, TypedDict, Union

#: The terminal statuses; any other status, known or not, means the run may still change.
TERMINAL_STATUSES = frozenset({"completed", "failed", "stopped", "interrupted"})

IssueSeverity = Literal["critical", "medium", "low"]
Until = Literal["terminal", "attention"]
SortBy = Literal["created_at", "started_at", "completed_at", "updated_at"]
SortOrder = Literal["asc", "desc"]
#: An answer to one question: a string, or several strings for a multi-select question.
Answer = Union[str, List[str]]


class _RunRequired(TypedDict):
    id: str
    agent_id: str
    status: str


class Run(_RunRequired, total=False):
    """A run as Duvo returns it; `status` may be a value this version does not know."""

    build_id: str
    source: Optional[str]
    sandbox_id: Optional[str]
    started_at: Optional[str]
    completed_at: Optional[str]
    created_at: str
    updated_at: str
    human_in_the_loop_enabled: bool
    has_issues: bool
    issue_severity: Optional[IssueSeverity]


class _ToolCallRequired(TypedDict):
    id: str
    name: str


class ToolCall(_ToolCallRequired, total=False):
    """A tool the agent called."""

    arguments: Dict[str, Any]


class _ToolResultRequired(TypedDict):
    tool_call_id: str


class ToolResult(_ToolResultRequired, total=False):
    """What a tool call returned; `error` is set when it failed."""

    result: Any
    error: str


class _MessageRequired(TypedDict):
    id: str
    type: str
    role: str
    timestamp: str


class Message(_MessageRequired, total=False):
    """One entry of a run's conversation."""

    text_content: str
    tool_call: ToolCall
    tool_result: ToolResult


class _QuestionOptionRequired(TypedDict):
    label: str


class QuestionOption(_QuestionOptionRequired, total=False):
    """A predefined answer."""

    description: str


class _QuestionRequired(TypedDict):
    question: str


class Question(_QuestionRequired, total=False):
    """One question of a question-type human request."""

    header: str
    options: List[QuestionOption]
    multi_select: bool


class _PendingHumanRequestRequired(TypedDict):
    id: str
    title: str
    description: Optional[str]
    created_at: str
    type: Literal["approval", "question"]


class PendingHumanRequest(_PendingHumanRequestRequired, total=False):
    """What a waiting run asks of a human."""

    questions: List[Question]


class HumanRequest(TypedDict):
    """A human request after it was answered."""

    id: str
    run_id: str
    title: str
    description: Optional[str]
    response: Optional[str]
    responded_at: Optional[str]
    created_at: str


class _StartResultRequired(TypedDict):
    run: Run


class StartResult(_StartResultRequired, total=False):
    """runs/start: the new run, and the subscription when follow was true."""

    subscription: str


class GetResult(TypedDict):
    """runs/get: the run and what it waits on."""

    run: Run
    pending_human_request: Optional[PendingHumanRequest]


class MessagesResult(TypedDict):
    """runs/messages: a page of messages (or all of them)."""

    messages: List[Message]
    total: int
    limit: int
    offset: int


class SendMessageResult(TypedDict):
    """runs/sendMessage: the stored message."""

    message: Message


class RespondResult(TypedDict):
    """runs/respond: the answered request."""

    human_request: HumanRequest


class _StopResultRequired(TypedDict):
    success: bool


class StopResult(_StopResultRequired, total=False):
    """runs/stop."""

    message: str


class ListResult(TypedDict):
    """runs/list: a page of runs (or all of them)."""

    data: List[Run]
    total: int
    limit: int
    offset: int


class WaitResult(TypedDict):
    """runs/wait: the run as last seen; `timed_out` when timeout_s passed first."""

    run: Run
    pending_human_request: Optional[PendingHumanRequest]
    timed_out: bool


class FollowResult(TypedDict):
    """runs/follow."""

    subscription: str


class UnfollowResult(TypedDict):
    """runs/unfollow: `success` is false when the follow had already ended."""

    success: bool


class DurationStats(TypedDict):
    """Seconds from started_at to completed_at of terminal runs; numbers are None when count is 0."""

    count: int
    min: Optional[float]
    mean: Optional[float]
    p50: Optional[float]
    p95: Optional[float]
    max: Optional[float]


class StatsResult(TypedDict):
    """runs/stats."""

    total: int
    counted: int
    counts: Dict[str, int]
    failure_rate: Optional[float]
    duration_seconds: DurationStats
