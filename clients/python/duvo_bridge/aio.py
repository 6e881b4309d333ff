"""The asyncio client: the same methods as DuvoClient, awaited, and follows as async iterators."""

from __future__ import annotations

import asyncio
from typing import Any, AsyncIterator, Dict, Mapping, Optional, Sequence

from . import _methods
from . import _protocol as protocol
from ._protocol import Answer, EnvOverrides
from ._router import FrameRouter, NotificationHandler, settle
from ._subscriptions import Item, SubscriptionTable
from .client import Stderr
from .errors import BridgeClosed
from .events import Event, FollowEnded, event_from_notification
from .models import FollowResult

# Results such as every message of a long run arrive as one line; asyncio's default cap is 64 KiB.
LINE_LIMIT = 256 * 1024 * 1024


class _AsyncInbox:
    """An asyncio FIFO of one subscription's notifications."""

    def __init__(self) -> None:
        self.saw_end = False
        self._queue: asyncio.Queue[Item] = asyncio.Queue()

    def put(self, item: Item) -> None:
        self._queue.put_nowait(item)

    async def get(self, timeout: Optional[float]) -> Item:
        try:
            return await asyncio.wait_for(self._queue.get(), timeout)
        except asyncio.TimeoutError:
            raise TimeoutError(f"no follow event within {timeout} s") from None


class AsyncFollow(AsyncIterator[Event]):
    """The events of one follow as an async iterator; it sends runs/follow on first use (or on `await start()`).

    Yields MessageEvent, StatusEvent (and FollowStalled/FollowRecovered), then FollowEnded, then stops.
    `async with` (or `aclose()`) unfollows when left early. `idle_timeout` bounds the wait for each event (TimeoutError).
    """

    def __init__(
        self, client: "AsyncDuvoClient", run_id: Optional[str], offset: int, subscription: Optional[str],
        idle_timeout: Optional[float],
    ) -> None:
        self.subscription = subscription
        self.idle_timeout = idle_timeout
        self._client = client
        self._run_id = run_id
        self._offset = offset
        self._inbox: Optional[_AsyncInbox] = client._subscriptions.inbox(subscription) if subscription else None
        self._ended = False

    async def start(self) -> str:
        """Sends runs/follow if it was not sent yet, and returns the subscription."""
        if self._inbox is None:
            result: FollowResult = await self._client.call(
                "runs/follow", {"run_id": self._run_id, "offset": self._offset}
            )
            self.subscription = result["subscription"]
            self._inbox = self._client._subscriptions.inbox(self.subscription)
        assert self.subscription is not None
        return self.subscription

    def __aiter__(self) -> "AsyncFollow":
        return self

    async def __anext__(self) -> Event:
        if self._ended:
            raise StopAsyncIteration
        await self.start()
        assert self._inbox is not None and self.subscription is not None
        while True:
            item = await self._inbox.get(self.idle_timeout)
            if isinstance(item, BridgeClosed):
                self._ended = True
                raise item
            event = event_from_notification(item.method, item.params)
            if event is None:
                continue
            if isinstance(event, FollowEnded):
                self._ended = True
                self._client._subscriptions.finished(self.subscription)
            return event

    async def aclose(self) -> None:
        """Stops following (runs/unfollow) unless the follow already ended or never started."""
        if self._ended:
            return
        self._ended = True
        if self.subscription is None:
            return
        self._client._subscriptions.discard(self.subscription)
        if self._client.returncode is None:
            try:
                await self._client.unfollow(self.subscription)
            except BridgeClosed:
                pass

    async def __aenter__(self) -> "AsyncFollow":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()


class AsyncDuvoClient:
    """Drives Duvo runs through a `duvo rpc` child process, with asyncio.

    Same options and methods as DuvoClient, awaited. The process starts on `await open()`, on entering `async with`,
    or on the first call; `aclose()` closes stdin, gives the process a few seconds to exit, then terminates it.
    Cancelling a task that awaits a method cancels the request on the server too ($/cancelRequest).
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
        self._argv = protocol.build_command(command, simulate, sim_speed, args)
        self._env = protocol.build_env(env)
        self._stderr = stderr
        self._process: Optional[asyncio.subprocess.Process] = None
        self._reader: Optional[asyncio.Task[None]] = None
        self._write_lock = asyncio.Lock()
        self._next_id = 1
        self._pending: Dict[int, asyncio.Future[Any]] = {}
        self._closed: Optional[BridgeClosed] = None
        self._subscriptions: SubscriptionTable[_AsyncInbox] = SubscriptionTable(_AsyncInbox)
        self._router = FrameRouter(self._subscriptions, self._answer, on_notification)

    # MARK: lifecycle

    async def open(self) -> "AsyncDuvoClient":
        """Spawns the process (once) and returns the client."""
        if self._process is None:
            try:
                self._process = await asyncio.create_subprocess_exec(
                    *self._argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                    stderr=self._stderr, env=self._env, limit=LINE_LIMIT,
                )
            except FileNotFoundError as error:
                raise FileNotFoundError(f"cannot run {self._argv[0]!r}: set DUVO_BIN or pass command=[...]") from error
            self._reader = asyncio.get_running_loop().create_task(self._read_loop())
        return self

    @property
    def returncode(self) -> Optional[int]:
        """The process's exit status once it has exited, else None (also before `open()`)."""
        return self._process.returncode if self._process is not None else None

    async def aclose(self, timeout: float = protocol.EXIT_GRACE_S) -> Optional[int]:
        """Closes stdin, waits up to `timeout` s for `duvo` to exit (then terminates it) and returns its exit status."""
        process = self._process
        if process is None:
            return None
        async with self._write_lock:
            if process.stdin is not None and not process.stdin.is_closing():
                process.stdin.close()
        try:
            code = await asyncio.wait_for(process.wait(), timeout)
        except asyncio.TimeoutError:
            process.terminate()
            try:
                code = await asyncio.wait_for(process.wait(), 2)
            except asyncio.TimeoutError:
                process.kill()
                code = await process.wait()
        if self._reader is not None:
            await asyncio.wait([self._reader], timeout=timeout)
        return code

    async def __aenter__(self) -> "AsyncDuvoClient":
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # MARK: the methods

    # The methods of the contract, written once in _methods.py for both clients (see rpc_method); here each
    # returns an awaitable of its result.
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

    def follow(self, run_id: str, offset: int = 0, *, idle_timeout: Optional[float] = None) -> AsyncFollow:
        """Follows the run: `async for event in client.follow(run_id)`, ending with FollowEnded."""
        return AsyncFollow(self, run_id, offset, None, idle_timeout)

    def events(self, subscription: str, *, idle_timeout: Optional[float] = None) -> AsyncFollow:
        """The events of a subscription from `start(..., follow=True)`, including those that already arrived."""
        return AsyncFollow(self, None, 0, subscription, idle_timeout)

    # MARK: the wire

    async def call(
        self, method: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None
    ) -> Any:
        """Calls any method and returns its result; raises the DuvoError subclass of an error answer.

        With `timeout`, a request not answered in time is cancelled on the server: its answer (usually Cancelled)
        is raised, or TimeoutError when even that does not come.
        """
        await self.open()
        if self._closed is not None:
            raise self._closed
        request_id = self._next_id
        self._next_id += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = future
        try:
            await self._send(protocol.request(request_id, method, params or {}))
            try:
                return await asyncio.wait_for(asyncio.shield(future), timeout)
            except asyncio.TimeoutError:
                pass
            await self._send(protocol.cancel_notification(request_id))
            try:
                return await asyncio.wait_for(future, protocol.CANCEL_GRACE_S)
            except asyncio.TimeoutError:
                raise TimeoutError(f"{method} got no answer within {timeout} s, even after cancelling it") from None
        except asyncio.CancelledError:
            if not future.done():
                self._write_now(protocol.cancel_notification(request_id))
            raise
        finally:
            self._pending.pop(request_id, None)

    async def _send(self, message: Mapping[str, Any]) -> None:
        data = protocol.encode(message)
        async with self._write_lock:
            stdin = self._process.stdin if self._process is not None else None
            try:
                if stdin is None or stdin.is_closing():
                    raise BrokenPipeError
                stdin.write(data)
                await stdin.drain()
            except (BrokenPipeError, ConnectionError, OSError):
                raise self._closed or BridgeClosed("duvo rpc is not accepting requests", self.returncode) from None

    def _write_now(self, message: Mapping[str, Any]) -> None:
        # Used while a task is being cancelled, when awaiting the write lock is no longer possible.
        stdin = self._process.stdin if self._process is not None else None
        if stdin is not None and not stdin.is_closing():
            stdin.write(protocol.encode(message))

    async def _read_loop(self) -> None:
        assert self._process is not None and self._process.stdout is not None
        stdout = self._process.stdout
        while line := await stdout.readline():
            self._router.feed(line)
        try:
            code: Optional[int] = await asyncio.wait_for(self._process.wait(), protocol.EXIT_GRACE_S)
        except asyncio.TimeoutError:
            code = None
        self._closed = BridgeClosed("duvo rpc closed its output", code)
        pending, self._pending = self._pending, {}
        self._router.close(self._closed, pending.values())

    def _answer(self, answer: Answer) -> None:
        settle(self._pending.pop(answer.request_id, None), answer)
