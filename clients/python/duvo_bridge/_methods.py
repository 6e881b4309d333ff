"""The JSON-RPC methods, written once for both clients.

Each method is a function from its Python arguments to a `Request` (wire name and params). Wrapped in `rpc_method`,
it becomes a method of DuvoClient that returns the typed result, and of AsyncDuvoClient that returns an awaitable of
it: the signature, defaults and docstring below are what both clients show.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import (
    TYPE_CHECKING,
    Any,
    Awaitable,
    Callable,
    Dict,
    Generic,
    Mapping,
    Optional,
    Sequence,
    ParamSpec,
    TypeVar,
    Union,
    overload,
)

from ._protocol import Since, compact, iso_time
from .models import (
    Answer,
    GetResult,
    IssueSeverity,
    ListResult,
    MessagesResult,
    RespondResult,
    SendMessageResult,
    SortBy,
    SortOrder,
    StartResult,
    StatsResult,
    StopResult,
    UnfollowResult,
    Until,
    WaitResult,
)

if TYPE_CHECKING:
    from .aio import AsyncDuvoClient
    from .client import DuvoClient

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class Request(Generic[T]):
    """A method call to send: its wire name and by-name params; `T` is the type of its result."""

    method: str
    params: Dict[str, Any]


class rpc_method(Generic[P, T]):  # noqa: N801 - used as a decorator
    """Turns a request builder into a client method: synchronous on DuvoClient, awaitable on AsyncDuvoClient."""

    def __init__(self, build: Callable[P, Request[T]]) -> None:
        self._build = build
        self.__name__ = build.__name__
        self.__doc__ = build.__doc__
        self.__wrapped__ = build

    @overload
    def __get__(self, client: None, owner: type) -> "rpc_method[P, T]": ...

    @overload
    def __get__(self, client: "DuvoClient", owner: type) -> Callable[P, T]: ...

    @overload
    def __get__(self, client: "AsyncDuvoClient", owner: type) -> Callable[P, Awaitable[T]]: ...

    def __get__(self, client: Any, owner: type) -> Any:
        if client is None:
            return self
        build = self._build

        @functools.wraps(build)
        def bound(*args: Any, **kwargs: Any) -> Any:
            request = build(*args, **kwargs)
            # DuvoClient.call returns the result; AsyncDuvoClient.call a coroutine of it.
            return client.call(request.method, request.params)

        return bound


@rpc_method
def start(
    agent_id: str,
    *,
    message: Optional[str] = None,
    sandbox_id: Optional[str] = None,
    webhook_url: Optional[str] = None,
    follow: bool = False,
    team_id: Optional[str] = None,
) -> Request[StartResult]:
    """Starts a run (runs/start). With `follow=True` the result has a `subscription`: pass it to `events()`."""
    return Request("runs/start", compact(
        agent_id=agent_id, message=message, sandbox_id=sandbox_id, webhook_url=webhook_url,
        follow=True if follow else None, team_id=team_id,
    ))


@rpc_method
def get(run_id: str) -> Request[GetResult]:
    """The run and its pending human request, if any (runs/get)."""
    return Request("runs/get", {"run_id": run_id})


@rpc_method
def messages(
    run_id: str, *, limit: Optional[int] = None, offset: Optional[int] = None, all: bool = False
) -> Request[MessagesResult]:
    """A page of the run's messages, or every one with `all=True` (runs/messages)."""
    return Request("runs/messages", compact(run_id=run_id, limit=limit, offset=offset, all=True if all else None))


@rpc_method
def send_message(run_id: str, message: str) -> Request[SendMessageResult]:
    """Sends a message to the run (runs/sendMessage); Duvo resumes a waiting, completed or interrupted run."""
    return Request("runs/sendMessage", {"run_id": run_id, "message": message})


@rpc_method
def respond(
    run_id: str,
    *,
    approved: Optional[bool] = None,
    answers: Optional[Mapping[str, Answer]] = None,
    request_id: Optional[str] = None,
) -> Request[RespondResult]:
    """Answers the run's pending human request (runs/respond): `approved` for an approval, `answers` (keyed by
    question text, header or 0-based index as a string; a list for multi-select) for questions."""
    return Request("runs/respond", compact(
        run_id=run_id, request_id=request_id, approved=approved,
        answers={key: value if isinstance(value, str) else [*value] for key, value in answers.items()}
        if answers is not None else None,
    ))


@rpc_method
def stop(run_id: str) -> Request[StopResult]:
    """Stops the run (runs/stop); a no-op when it is not running."""
    return Request("runs/stop", {"run_id": run_id})


@rpc_method
def list_runs(
    *,
    agent_id: Optional[str] = None,
    status: Union[str, Sequence[str], None] = None,
    since: Optional[Since] = None,
    has_issues: Optional[bool] = None,
    issue_severity: Optional[IssueSeverity] = None,
    limit: Optional[int] = None,
    offset: Optional[int] = None,
    sort_by: Optional[SortBy] = None,
    sort_order: Optional[SortOrder] = None,
    all: bool = False,
    team_id: Optional[str] = None,
) -> Request[ListResult]:
    """The team's runs, filtered and sorted (runs/list, API v2); `all=True` pages through every match."""
    return Request("runs/list", compact(
        agent_id=agent_id, status=status if status is None or isinstance(status, str) else [*status],
        since=iso_time(since), has_issues=has_issues, issue_severity=issue_severity, limit=limit, offset=offset,
        sort_by=sort_by, sort_order=sort_order, all=True if all else None, team_id=team_id,
    ))


@rpc_method
def wait(run_id: str, *, until: Optional[Until] = None, timeout_s: Optional[float] = None) -> Request[WaitResult]:
    """Waits until the run ends, or with `until="attention"` also until it needs a human (runs/wait); `timed_out` is
    true when `timeout_s` (default 600) passed first."""
    return Request("runs/wait", compact(run_id=run_id, until=until, timeout_s=timeout_s))


@rpc_method
def unfollow(subscription: str) -> Request[UnfollowResult]:
    """Ends a follow early (runs/unfollow); its FollowEnded still arrives. `success` is false if it had ended."""
    return Request("runs/unfollow", {"subscription": subscription})


@rpc_method
def stats(
    *, agent_id: Optional[str] = None, since: Optional[Since] = None, team_id: Optional[str] = None
) -> Request[StatsResult]:
    """Counts by status, failure rate and durations of the team's runs (runs/stats, API v2)."""
    return Request("runs/stats", compact(agent_id=agent_id, since=iso_time(since), team_id=team_id))


@rpc_method
def discover() -> Request[Dict[str, Any]]:
    """The server's OpenRPC document (rpc.discover)."""
    return Request("rpc.discover", {})
