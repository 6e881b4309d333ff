"""Typed events of a follow: what the runs/message, runs/status, runs/followStalled, runs/followRecovered and
runs/followEnded notifications carry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional, Union

from .errors import DuvoError, error_from_object
from .models import TERMINAL_STATUSES, Message, PendingHumanRequest, Run


@dataclass(frozen=True)
class MessageEvent:
    """One message of the followed run; `index` is its 0-based position in the run (each index arrives once, in
    order)."""

    subscription: str
    run_id: str
    index: int
    message: Message


@dataclass(frozen=True)
class StatusEvent:
    """The followed run's status changed (the first event reports the status found, with previous_status None)."""

    subscription: str
    run_id: str
    status: str
    previous_status: Optional[str]
    run: Run
    pending_human_request: Optional[PendingHumanRequest]

    @property
    def terminal(self) -> bool:
        """The run has ended (completed, failed, stopped or interrupted)."""
        return self.status in TERMINAL_STATUSES


@dataclass(frozen=True)
class FollowStalled:
    """The follow cannot make progress for now (Duvo answers 429 or 5xx, does not answer, or cannot be reached); it
    is not over: the bridge keeps trying and sends FollowRecovered when it works again. `since` is an ISO 8601 time;
    `error` is the failure, as a request would have raised it."""

    subscription: str
    run_id: str
    since: str
    error: DuvoError


@dataclass(frozen=True)
class FollowRecovered:
    """A stalled follow makes progress again after `stalled_s` seconds; nothing was lost meanwhile."""

    subscription: str
    run_id: str
    stalled_s: float


@dataclass(frozen=True)
class FollowEnded:
    """The follow is over; always the last event. `reason` is terminal, unfollowed, error (then `error` says why) or
    shutdown."""

    subscription: str
    run_id: str
    status: Optional[str]
    reason: str
    error: Optional[DuvoError] = None


#: Anything a follow yields.
Event = Union[MessageEvent, StatusEvent, FollowStalled, FollowRecovered, FollowEnded]

MESSAGE = "runs/message"
STATUS = "runs/status"
FOLLOW_STALLED = "runs/followStalled"
FOLLOW_RECOVERED = "runs/followRecovered"
FOLLOW_ENDED = "runs/followEnded"


def event_from_notification(method: str, params: Mapping[str, Any]) -> Optional[Event]:
    """The typed event for a follow notification, or None for a notification that is not one."""
    if method == MESSAGE:
        return MessageEvent(params["subscription"], params["run_id"], params["index"], params["message"])
    if method == STATUS:
        return StatusEvent(
            params["subscription"], params["run_id"], params["status"], params.get("previous_status"),
            params["run"], params.get("pending_human_request"),
        )
    if method == FOLLOW_STALLED:
        return FollowStalled(params["subscription"], params["run_id"], params["since"],
                             error_from_object(params["error"]))
    if method == FOLLOW_RECOVERED:
        return FollowRecovered(params["subscription"], params["run_id"], float(params["stalled_s"]))
    if method == FOLLOW_ENDED:
        error = params.get("error")
        return FollowEnded(
            params["subscription"], params["run_id"], params.get("status"), params["reason"],
            error_from_object(error) if error is not None else None,
        )
    return None
