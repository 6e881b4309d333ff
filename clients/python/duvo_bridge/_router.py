"""Where the frames read from `duvo rpc` go, for both clients: answers to the request that waits for them,
notifications to the on_notification hook and to their subscription's inbox."""

from __future__ import annotations

import logging
from typing import Any, Callable, Generic, Iterable, Optional, Protocol

from ._protocol import Answer, Notification, decode
from ._subscriptions import InboxT, SubscriptionTable
from .errors import BridgeClosed

log = logging.getLogger("duvo_bridge")

#: The on_notification hook: (method, params) of every notification, before it is routed.
NotificationHandler = Callable[[str, Any], None]


class Settleable(Protocol):
    """What concurrent.futures.Future and asyncio.Future have in common."""

    def done(self) -> bool: ...

    def set_result(self, result: Any) -> None: ...

    def set_exception(self, exception: BaseException) -> None: ...


class FrameRouter(Generic[InboxT]):
    """Routes each line `duvo rpc` writes; `on_answer` finds the request an answer belongs to."""

    def __init__(
        self,
        subscriptions: SubscriptionTable[InboxT],
        on_answer: Callable[[Answer], None],
        on_notification: Optional[NotificationHandler],
    ) -> None:
        self.subscriptions = subscriptions
        self._on_answer = on_answer
        self._on_notification = on_notification

    def feed(self, line: bytes) -> None:
        """Routes the frames of one line (none for a blank line, several for a batch)."""
        try:
            frames = decode(line)
        except ValueError as error:
            log.warning("ignoring a line from duvo that is not JSON-RPC: %s", error)
            return
        for frame in frames:
            if isinstance(frame, Answer) and frame.request_id is None and frame.error is not None:
                # An error no request can own (a frame duvo could not parse): only a bug in this client sends one.
                log.warning("duvo rpc reported an error for no request: %s", frame.error)
            elif isinstance(frame, Answer):
                self._on_answer(frame)
            else:
                self._notify(frame)

    def close(self, error: BridgeClosed, pending: Iterable[Settleable]) -> None:
        """The process is gone: fails the requests still waiting and ends every follow with `error`."""
        for future in pending:
            if not future.done():
                future.set_exception(error)
        self.subscriptions.close(error)

    def _notify(self, notification: Notification) -> None:
        if self._on_notification is not None:
            try:
                self._on_notification(notification.method, notification.params)
            except Exception:  # noqa: BLE001 - a faulty hook must not stop the reader
                log.exception("on_notification raised")
        self.subscriptions.deliver(notification)


def settle(future: Optional[Settleable], answer: Answer) -> None:
    """Completes the future of a request with its answer's result or error (nothing if it was given up)."""
    if future is None or future.done():
        return
    if answer.error is not None:
        future.set_exception(answer.error)
    else:
        future.set_result(answer.result)
