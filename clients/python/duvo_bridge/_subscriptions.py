"""Per-subscription buffers of follow notifications, shared by the sync and async clients.

Notifications of a follow can arrive before the answer that names its subscription (runs/start with follow, or
runs/follow), so they are buffered by subscription from the first one on, and handed to whoever asks for that
subscription later. A follow given up early is discarded: what still arrives for it, up to its runs/followEnded, is
dropped instead of filling a buffer nobody reads.
"""

from __future__ import annotations

import threading
from typing import Callable, Dict, Generic, Optional, Protocol, Set, TypeVar, Union

from ._protocol import Notification
from .errors import BridgeClosed
from .events import FOLLOW_ENDED

Item = Union[Notification, BridgeClosed]


class Inbox(Protocol):
    """A FIFO of one subscription's notifications; `saw_end` once its runs/followEnded was put."""

    saw_end: bool

    def put(self, item: Item) -> None:
        """Adds a notification, or the error that ends the subscription because the bridge closed."""
        ...


InboxT = TypeVar("InboxT", bound=Inbox)


class SubscriptionTable(Generic[InboxT]):
    """Routes follow notifications to one inbox per subscription; safe to use from any thread."""

    def __init__(self, make_inbox: Callable[[], InboxT]) -> None:
        self._make_inbox = make_inbox
        self._inboxes: Dict[str, InboxT] = {}
        self._discarded: Set[str] = set()
        self._closed: Optional[BridgeClosed] = None
        self._lock = threading.Lock()

    def deliver(self, notification: Notification) -> None:
        """Buffers a follow notification in its subscription's inbox (made on first sight)."""
        subscription = notification.subscription
        if subscription is None:
            return
        ended = notification.method == FOLLOW_ENDED
        with self._lock:
            if subscription in self._discarded:
                if ended:
                    self._discarded.discard(subscription)
                return
            inbox = self._inbox_locked(subscription)
            if ended:
                inbox.saw_end = True
        inbox.put(notification)

    def inbox(self, subscription: str) -> InboxT:
        """The inbox of `subscription`, holding whatever arrived before anyone asked."""
        with self._lock:
            return self._inbox_locked(subscription)

    def finished(self, subscription: str) -> None:
        """Forgets a subscription whose runs/followEnded was consumed."""
        with self._lock:
            self._inboxes.pop(subscription, None)

    def discard(self, subscription: str) -> None:
        """Forgets a subscription given up before its end; its remaining notifications are dropped."""
        with self._lock:
            inbox = self._inboxes.pop(subscription, None)
            if (inbox is None or not inbox.saw_end) and self._closed is None:
                self._discarded.add(subscription)

    def close(self, error: BridgeClosed) -> None:
        """Ends every subscription, present and future, with `error`: the bridge is gone."""
        with self._lock:
            self._closed = error
            inboxes = list(self._inboxes.values())
            self._discarded.clear()
        for inbox in inboxes:
            inbox.put(error)

    def _inbox_locked(self, subscription: str) -> InboxT:
        inbox = self._inboxes.get(subscription)
        if inbox is None:
            inbox = self._make_inbox()
            self._inboxes[subscription] = inbox
            if self._closed is not None:
                inbox.put(self._closed)
        return inbox
