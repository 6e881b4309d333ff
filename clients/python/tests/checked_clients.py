"""Clients that hold the server to schema/openrpc.json: every param sent, result received, error answered and
notification seen is validated, so a test cannot pass while the server and the contract disagree."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator, List, Mapping, Optional

import pytest

from duvo_binary import duvo_bin, simulate_args
from duvo_bridge import AsyncDuvoClient, DuvoClient, DuvoError
from duvo_contract import Contract, ContractViolation


class NotificationChecker:
    """The on_notification hook: validates each notification and keeps it. It runs on the reader thread, where an
    exception would be lost, so violations are collected and asserted by the fixture's teardown."""

    def __init__(self, contract: Contract) -> None:
        self.contract = contract
        self.seen: List[tuple[str, Any]] = []
        self.violations: List[str] = []
        self._lock = threading.Lock()

    def __call__(self, method: str, params: Any) -> None:
        with self._lock:
            self.seen.append((method, params))
            try:
                self.contract.check_notification(method, params)
            except ContractViolation as error:
                self.violations.append(str(error))

    def assert_clean(self) -> None:
        assert not self.violations, "\n\n".join(self.violations)


def check_answer(contract: Contract, method: str, call: Callable[[], Any]) -> Any:
    """Runs `call`; validates its result, or its error (which must be one the method documents), then passes it on."""
    try:
        result = call()
    except DuvoError as error:
        check_error(contract, method, error)
        raise
    return contract.check_result(method, result)


def check_error(contract: Contract, method: str, error: DuvoError) -> None:
    obj = {"code": error.code, "message": error.message}
    if error.data is not None:
        obj["data"] = error.data
    contract.check_error(obj, allowed_for=method if method in contract.method_names else None)


class CheckedClient(DuvoClient):
    """A DuvoClient whose every call is checked against the contract; `raw_call` skips the params check, for tests
    that send wrong params on purpose."""

    def __init__(self, contract: Contract, **options: Any) -> None:
        self.contract = contract
        self.notifications = NotificationChecker(contract)
        super().__init__(on_notification=self.notifications, **options)

    def call(self, method: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None) -> Any:
        self.contract.check_params(method, dict(params or {}))
        return self.raw_call(method, params, timeout=timeout)

    def raw_call(
        self, method: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None
    ) -> Any:
        return check_answer(self.contract, method, lambda: DuvoClient.call(self, method, params, timeout=timeout))


class CheckedAsyncClient(AsyncDuvoClient):
    """The asyncio twin of CheckedClient."""

    def __init__(self, contract: Contract, **options: Any) -> None:
        self.contract = contract
        self.notifications = NotificationChecker(contract)
        super().__init__(on_notification=self.notifications, **options)

    async def call(
        self, method: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None
    ) -> Any:
        self.contract.check_params(method, dict(params or {}))
        return await self.raw_call(method, params, timeout=timeout)

    async def raw_call(
        self, method: str, params: Optional[Mapping[str, Any]] = None, *, timeout: Optional[float] = None
    ) -> Any:
        try:
            result = await AsyncDuvoClient.call(self, method, params, timeout=timeout)
        except DuvoError as error:
            check_error(self.contract, method, error)
            raise
        return self.contract.check_result(method, result)


def command(simulate: bool, args: tuple[str, ...]) -> List[str]:
    """`duvo rpc`, simulated and fast unless `simulate` is false, with `args` appended."""
    return [duvo_bin(), "rpc", *(simulate_args() if simulate else []), *args]


def _log_tail(path: Path) -> str:
    text = path.read_text(errors="replace") if path.exists() else ""
    return text[-3000:]


@pytest.fixture
def client_factory(duvo: str, contract: Contract, tmp_path: Path) -> Iterator[Callable[..., CheckedClient]]:
    """Makes checked clients of a simulated, fast `duvo rpc` (extra `args`, `env` overrides, or the real API path
    with `simulate=False`); at teardown
    each is closed and must have exited with status 0 and sent only notifications the contract describes."""
    made: List[tuple[CheckedClient, Path]] = []

    def make(
        args: tuple[str, ...] = (), env: Optional[Mapping[str, Optional[str]]] = None, simulate: bool = True
    ) -> CheckedClient:
        log = tmp_path / f"duvo-{len(made)}.log"
        with log.open("wb") as stderr:  # the child keeps its own copy of the descriptor
            client = CheckedClient(contract, command=command(simulate, args), env=env, stderr=stderr)
        made.append((client, log))
        return client

    yield make
    for client, log in made:
        code = client.close()
        assert code == 0, f"duvo rpc exited with {code}; its log ends with:\n{_log_tail(log)}"
        client.notifications.assert_clean()


@pytest.fixture
def client(client_factory: Callable[..., CheckedClient]) -> CheckedClient:
    """A checked client of a simulated, fast `duvo rpc`."""
    return client_factory()


@pytest.fixture
def async_client_factory(duvo: str, contract: Contract, tmp_path: Path) -> Iterator[Callable[..., CheckedAsyncClient]]:
    """Makes checked async clients (not yet opened: use `async with`); at teardown each must have exited with
    status 0 and sent only notifications the contract describes."""
    made: List[tuple[CheckedAsyncClient, Path]] = []
    logs: List[BinaryIO] = []

    def make(
        args: tuple[str, ...] = (), env: Optional[Mapping[str, Optional[str]]] = None, simulate: bool = True
    ) -> CheckedAsyncClient:
        log = tmp_path / f"duvo-async-{len(made)}.log"
        logs.append(log.open("wb"))  # open until the client spawns its process, at `async with`
        client = CheckedAsyncClient(contract, command=command(simulate, args), env=env, stderr=logs[-1])
        made.append((client, log))
        return client

    yield make
    for stderr in logs:
        stderr.close()
    for client, log in made:
        assert client.returncode == 0, f"duvo rpc exited with {client.returncode}; log:\n{_log_tail(log)}"
        client.notifications.assert_clean()

