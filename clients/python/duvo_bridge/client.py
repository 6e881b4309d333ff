"""The synchronous client: spawns `duvo rpc`, calls its methods, and iterates follows."""

from __future__ import annotations

import collections
import subprocess
import threading
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import IO, Any, Deque, Dict, Iterator, Mapping, Optional, Sequence, Union

from . import _methods
from . import _protocol as protocol
from ._protocol import Answer, EnvOverrides
from ._router import FrameRouter, NotificationHandler, settle
from ._subscriptions import Item, SubscriptionTable
from .errors import BridgeClosed
from .events import Event, FollowEnded, event_from_notification
from .models import FollowResult

Stderr = Union[None, int, IO[Any]]


class _Inbox:
    """A blocking FIFO of one subscription's notifications."""

    def __init__(self) -> None:
        self.saw_end = False
        self._items: Deque[Item] = collections.deque()
        self._ready = threading.Condition()

    def put(self, item: Item) -> None:
        with self._ready:
            self._items.append(item)
            self._ready.notify()

    def get(self, timeout: Optional[float]) -> Item:
        with self._ready:
            if not self._ready.wait_for(lambda: self._items, timeout):
                raise TimeoutError(f"no follow event within {timeout} s")
            return self._items.popleft()


class Follow(Iterator[Event]):
    """The events of one follow, in order: MessageEvent, StatusEvent (and FollowStalled/FollowRecovered), then
    FollowEnded, after which iteration stops.

    Leaving early: `close()` (or the `with` block) unfollows. `idle_timeout` bounds the wait for each event
    (TimeoutError); None waits as long as the run takes. If the `duvo` process goes away, iteration raises
    BridgeClosed.
    """

    def __init__(self, client: "DuvoClient", subscription: str, idle_timeout: Optional[float]) -> None:
        self.subscription = subscription
        self.idle_timeout = idle_timeout
        self._client = client
        self._inbox = client._subscriptions.inbox(subscription)
        self._ended = False

    def __iter__(self) -> "Follow":
        return self

    def __next__(self) -> Event:
        if self._ended:
            raise StopIteration
        while True:
            item = self._inbox.get(self.idle_timeout)
            if isinstance(item, BridgeClosed):
                self._ended = True
                raise item
            event = event_from_notification(item.method, item.params)
            if event is None:  # carries a subscription but is no follow event: not ours to yield
                continue
            if isinstance(event, FollowEnded):
                self._ended = True
                self._client._subscriptions.finished(self.subscription)
            return event

    def close(self) -> None:
        """Stops following (runs/unfollow) unless the follow already ended; pending events are dropped."""
        if self._ended:
            return
        self._ended = True
        self._client._subscriptions.discard(self.subscription)
        if self._client.returncode is None:
            try:
                self._client.unfollow(self.subscription)
            except BridgeClosed:
                pass

    def __enter__(self) -> "Follow":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class DuvoClient:
    """Drives Duvo runs through a `duvo rpc` child process, synchronously; safe to share between threads.

    `command` is the argv to spawn (default: `[$DUVO_BIN or "duvo", "rpc"]`); `simulate=True` adds `--simulate`
    (runs against the embedded simulator, no key needed) and `sim_speed` adds `--sim-speed`; `args` are appended.
    `env` overrides the environment (DUVO_API_KEY, DUVO_TEAM_ID, ...; None removes a variable). `stderr` is where the
    process logs go (default: this process's stderr). `on_notification(method, params)` sees every notification, on
    the reader thread, before it is routed.

    Use it as a context manager, or call `close()`: stdin is closed, the process gets a few seconds to finish what
    is in flight and exit, then it is terminated.
    """

    def __init__(
        self,
        command: Optional[Sequence[str]] = None,
        *,
        env: Optional[EnvOverrides] = None,
        simulate: bool = False,
        sim_speed: Optional[float] = None,
        args: Sequence[str] = (),
        stderr: Stderr = None,
        on_notification: Optional[NotificationHandler] = None,
    ) -> None:
        argv = protocol.build_command(command, simulate, sim_speed, args)
        try:
            self._process = subprocess.Popen(
                argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=stderr, env=protocol.build_env(env)
            )
        except FileNotFoundError as error:
            raise FileNotFoundError(f"cannot run {argv[0]!r}: set DUVO_BIN or pass command=[...]") from error
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._next_id = 1
        self._pending: Dict[int, Future[Any]] = {}
        self._closed: Optional[BridgeClosed] = None
        self._subscriptions: SubscriptionTable[_Inbox] = SubscriptionTable(_Inbox)
        self._router = FrameRouter(self._subscriptions, self._answer, on_notification)
        self._reader = threading.Thread(target=self._read_loop, name="duvo-bridge-reader", daemon=True)
        self._reader.start()

    # MARK: lifecycle

    @property
    def returncode(self) -> Optional[int]:
        """The process's exit status once it has exited, else None."""
        return self._process.poll()

    def close(self, timeout: float = protocol.EXIT_GRACE_S) -> int:
        """Closes stdin, waits up to `timeout` s for `duvo` to exit (then terminates it) and returns its exit status."""
        with self._write_lock:
            stdin = self._process.stdin
            if stdin is not None and not stdin.closed:
                try:
                    stdin.close()
                except BrokenPipeError:
                    pass
        try:
            code = self._process.wait(timeout)
        except subprocess.TimeoutExpired:
            self._process.terminate()
            try:
                code = self._process.wait(2)
            except subprocess.TimeoutExpired:
                self._process.kill()
                code = self._process.wait()
        self._reader.join(timeout)
        return code

    def __enter__(self) -> "DuvoClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # MARK: the methods

    # The methods of the contract, written once in _methods.py for both clients (see rpc_method).
    start = _methods.start
    get = _methods.get
    messages = _methods.messages
    send_message = _methods.send_message
    respond = _methods.respond
    stop = _methods.stop
    list = _methods.list_runs
    wait = _methods.wait
    unfollow = _methods.unfollow
    stats = _methods.stats
    discover = _methods.discover

    def follow(self, run_id: str, offset: int = 0, *, idle_timeout: Optional[float] = None) -> Follow:
        """Follows the run (runs/follow): iterate the result for its events, ending with FollowEnded."""
        result: FollowResult = self.call("runs/follow", {"run_id": run_id, "offset": offset})
        return Follow(self, result["subscription"], idle_timeout)

    def events(self, subscription: str, *, idle_timeout: Optional[float] = None) -> Follow:
        """The events of a subscription from `start(..., follow=True)`, including those that already arrived."""
        return Follow(self, subscription, idle_timeout)

    # MARK: the wire

    def call(self, method: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None) -> Any:
        """Calls any method and returns its result; raises the DuvoError subclass of an error answer.

        With `timeout`, a request not answered in time is cancelled on the server ($/cancelRequest): its answer
        (usually Cancelled) is raised, or TimeoutError when even that does not come.
        """
        future: Future[Any] = Future()
        with self._lock:
            if self._closed is not None:
                raise self._closed
            request_id = self._next_id
            self._next_id += 1
            self._pending[request_id] = future
        self._send(protocol.request(request_id, method, params or {}))
        try:
            return future.result(timeout)
        except FutureTimeout:
            pass
        self._send(protocol.cancel_notification(request_id))
        try:
            return future.result(protocol.CANCEL_GRACE_S)
        except FutureTimeout:
            with self._lock:
                self._pending.pop(request_id, None)
            raise TimeoutError(f"{method} got no answer within {timeout} s, even after cancelling it") from None

    def _send(self, message: Mapping[str, Any]) -> None:
        data = protocol.encode(message)
        with self._write_lock:
            stdin = self._process.stdin
            try:
                if stdin is None or stdin.closed:
                    raise BrokenPipeError
                stdin.write(data)
                stdin.flush()
            except (BrokenPipeError, OSError, ValueError):
                raise self._closed or BridgeClosed("duvo rpc is not accepting requests", self.returncode) from None

    def _read_loop(self) -> None:
        stdout = self._process.stdout
        assert stdout is not None
        for line in stdout:
            self._router.feed(line)
        try:
            code: Optional[int] = self._process.wait(protocol.EXIT_GRACE_S)
        except subprocess.TimeoutExpired:
            code = None
        with self._lock:
            self._closed = BridgeClosed("duvo rpc closed its output", code)
            pending, self._pending = self._pending, {}
        self._router.close(self._closed, pending.values())

    def _answer(self, answer: Answer) -> None:
        with self._lock:
            future = self._pending.pop(answer.request_id, None)
        settle(future, answer)
