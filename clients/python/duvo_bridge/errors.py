"""Exceptions: one class per JSON-RPC error code of `duvo rpc`, all carrying the code, message and data.

Catch `DuvoError` for any error the bridge answered with, `UpstreamError` for anything Duvo (or the way to it) said,
or a specific class such as `NotFound` or `RateLimited`. `BridgeClosed` is different in kind: the `duvo` process
went away, so no answer will come.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping


class DuvoError(Exception):
    """A JSON-RPC error answered by `duvo rpc`.

    `code` is the JSON-RPC error code, `message` the server's message (it says what to do, for example how to set the
    API key) and `data` the error's data, usually an object with `http_status`, `error`, `message` (Duvo's) and
    `retry_after_s` for upstream errors, or `field` for invalid params.
    """

    code_value: ClassVar[int | None] = None

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.data = data

    def __str__(self) -> str:
        return f"{self.message} (code {self.code})"

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r}, data={self.data!r})"

    @property
    def http_status(self) -> int | None:
        """Duvo's HTTP status, when the error came from a Duvo answer."""
        value = self._data_field("http_status")
        return value if isinstance(value, int) else None

    def _data_field(self, key: str) -> Any:
        return self.data.get(key) if isinstance(self.data, Mapping) else None


class ParseError(DuvoError):
    """-32700: the server could not parse a frame as JSON."""

    code_value = -32700


class InvalidRequest(DuvoError):
    """-32600: the frame was not a valid JSON-RPC 2.0 request."""

    code_value = -32600


class MethodNotFound(DuvoError):
    """-32601: the server has no such method (an older `duvo`?)."""

    code_value = -32601


class InvalidParams(DuvoError):
    """-32602: a param is missing or wrong (`field` names it), nothing is pending, or an answer does not fit."""

    code_value = -32602

    @property
    def field(self) -> str | None:
        """The path of the offending param, for example `run_id` or `answers`."""
        value = self._data_field("field")
        return value if isinstance(value, str) else None


class InternalError(DuvoError):
    """-32603: a bug in the bridge."""

    code_value = -32603


class Cancelled(DuvoError):
    """-32800: the request was cancelled (by this client after its timeout, or by another party)."""

    code_value = -32800


class UpstreamError(DuvoError):
    """-31000, and the base of every error from Duvo or the way to it: Duvo answered with an unexpected HTTP status."""

    code_value = -31000

    @property
    def outcome_unknown(self) -> bool:
        """True when a write (start, send message, respond) may have reached Duvo but its answer was lost and the
        bridge could not find its effect: do not simply repeat it, follow `check`."""
        return self._data_field("outcome_unknown") is True

    @property
    def check(self) -> str | None:
        """How to find out whether a write whose outcome is unknown happened."""
        value = self._data_field("check")
        return value if isinstance(value, str) else None


class Unauthorized(UpstreamError):
    """-31001: Duvo rejected the API key, or none was sent (HTTP 401)."""

    code_value = -31001


class Forbidden(UpstreamError):
    """-31002: the key may not do this (HTTP 403)."""

    code_value = -31002


class NotFound(UpstreamError):
    """-31003: no such run, agent, team or human request (HTTP 404)."""

    code_value = -31003


class Rejected(UpstreamError):
    """-31004: Duvo found the request invalid (HTTP 400); `data["message"]` is Duvo's reason."""

    code_value = -31004


class RateLimited(UpstreamError):
    """-31005: Duvo kept answering 429 after the bridge's retries; wait `retry_after_s` before trying again."""

    code_value = -31005

    @property
    def retry_after_s(self) -> float | None:
        """Seconds to wait before retrying, as Duvo said."""
        value = self._data_field("retry_after_s")
        return float(value) if isinstance(value, (int, float)) else None


class UpstreamUnavailable(UpstreamError):
    """-31006: Duvo kept answering 5xx after the bridge's retries."""

    code_value = -31006


class NetworkError(UpstreamError):
    """-31007: Duvo could not be reached or the connection dropped; a start, message or respond may have happened."""

    code_value = -31007


class UpstreamTimeout(UpstreamError):
    """-31008: Duvo did not answer in time."""

    code_value = -31008


class NotConfigured(DuvoError):
    """-31009: no API key, or no team for a v2 method; the message says how to set it."""

    code_value = -31009


class Unsupported(DuvoError):
    """-31010: the method needs another Duvo API version (runs/list and runs/stats need v2)."""

    code_value = -31010


class TooManyFollows(DuvoError):
    """-31011: the bridge follows as many runs as it may at once (`data["limit"]`); unfollow some first."""

    code_value = -31011


class BridgeClosed(ConnectionError):
    """The `duvo` process exited or closed its output, so no answer or notification will come any more.

    `returncode` is the process's exit status when it is known; the process's own log (on its stderr) says why.
    """

    def __init__(self, message: str, returncode: int | None = None) -> None:
        super().__init__(message)
        self.returncode = returncode


ERROR_CLASSES: dict[int, type[DuvoError]] = {
    cls.code_value: cls
    for cls in (
        ParseError, InvalidRequest, MethodNotFound, InvalidParams, InternalError, Cancelled, UpstreamError,
        Unauthorized, Forbidden, NotFound, Rejected, RateLimited, UpstreamUnavailable, NetworkError, UpstreamTimeout,
        NotConfigured, Unsupported, TooManyFollows,
    )
    if cls.code_value is not None
}


def error_from_object(error: Any) -> DuvoError:
    """The exception for a JSON-RPC error object: the class of its code, or `DuvoError` for a code this client
    does not know (so a newer server's errors still arrive with code, message and data)."""
    if not isinstance(error, Mapping):
        return InternalError(-32603, f"malformed error object from duvo: {error!r}")
    code = error.get("code")
    message = error.get("message")
    code = code if isinstance(code, int) else -32603
    message = message if isinstance(message, str) else "error without a message"
    cls = ERROR_CLASSES.get(code, DuvoError)
    return cls(code, message, error.get("data"))
