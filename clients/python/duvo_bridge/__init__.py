"""Drive Duvo agent runs from Python through `duvo rpc`: no HTTP code, no dependencies beyond the standard library.

    from duvo_bridge import DuvoClient

    with DuvoClient(simulate=True) as duvo:
        run = duvo.start(agent_id, message="hello")["run"]
        for event in duvo.follow(run["id"]):
            print(event)

`DuvoClient` is synchronous, `AsyncDuvoClient` its asyncio twin; both spawn `duvo rpc` (path from `command` or env
DUVO_BIN) and speak JSON-RPC 2.0 to it over pipes. Errors are `DuvoError` subclasses carrying code, message and data.
"""

from .aio import AsyncDuvoClient, AsyncFollow
from .client import DuvoClient, Follow
from .errors import (
    BridgeClosed,
    Cancelled,
    DuvoError,
    Forbidden,
    InternalError,
    InvalidParams,
    InvalidRequest,
    MethodNotFound,
    NetworkError,
    NotConfigured,
    NotFound,
    ParseError,
    RateLimited,
    Rejected,
    Unauthorized,
    UpstreamError,
    UpstreamTimeout,
    UpstreamUnavailable,
    TooManyFollows,
    Unsupported,
    error_from_object,
)
from .events import Event, FollowEnded, FollowRecovered, FollowStalled, MessageEvent, StatusEvent
from .models import TERMINAL_STATUSES

__version__ = "0.1.0"

__all__ = [
    "AsyncDuvoClient", "AsyncFollow", "DuvoClient", "Follow",
    "Event", "FollowEnded", "FollowRecovered", "FollowStalled", "MessageEvent", "StatusEvent", "TERMINAL_STATUSES",
    "BridgeClosed", "Cancelled", "DuvoError", "Forbidden", "InternalError", "InvalidParams", "InvalidRequest",
    "MethodNotFound", "NetworkError", "NotConfigured", "NotFound", "ParseError", "RateLimited", "Rejected",
    "TooManyFollows", "Unauthorized", "UpstreamError", "UpstreamTimeout", "UpstreamUnavailable", "Unsupported",
    "error_from_object",
]
