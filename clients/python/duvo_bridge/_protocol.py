"""What the sync and async clients share: the command line, NDJSON frames, and telling answers from notifications."""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Mapping, Optional, Sequence, Union

from ._binary import default_binary
from .errors import DuvoError, error_from_object

#: What a follow notification's subscription is read from.
SUBSCRIPTION_KEY = "subscription"
#: Grace after a client-side timeout for the server's answer to the cancellation (-32800 or a late result).
CANCEL_GRACE_S = 5.0
#: How long closing waits for `duvo` to exit after its stdin closes, before terminating it.
EXIT_GRACE_S = 5.0

Since = Union[str, _dt.datetime]
EnvOverrides = Mapping[str, Optional[str]]


def build_command(
    command: Optional[Sequence[str]], simulate: bool, sim_speed: Optional[float], args: Sequence[str]
) -> list[str]:
    """The argv to spawn: `command` as given, else `[default_binary(), "rpc"]`, then the simulator flags.

    `default_binary()` is $DUVO_BIN, else the `duvo` a duvo-bridge wheel installed with this package, else PATH's.
    """
    argv = list(command) if command else [default_binary(), "rpc"]
    if simulate:
        argv.append("--simulate")
    if sim_speed is not None:
        argv += ["--sim-speed", _number(sim_speed)]
    return argv + list(args)


def build_env(overrides: Optional[EnvOverrides]) -> Optional[Dict[str, str]]:
    """This process's environment with `overrides` applied (a None value removes the variable), or None to inherit."""
    if overrides is None:
        return None
    env = dict(os.environ)
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def compact(**params: Any) -> Dict[str, Any]:
    """Params without the ones left out (None): the server applies its defaults to those."""
    return {key: value for key, value in params.items() if value is not None}


def iso_time(since: Optional[Since]) -> Optional[str]:
    """An ISO 8601 time for `since`: strings pass as they are, naive datetimes are taken as UTC."""
    if since is None or isinstance(since, str):
        return since
    if since.tzinfo is None:
        since = since.replace(tzinfo=_dt.timezone.utc)
    return since.isoformat().replace("+00:00", "Z")


def encode(message: Mapping[str, Any]) -> bytes:
    """One NDJSON frame: compact JSON (never containing a raw newline) and a newline."""
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"


def request(request_id: int, method: str, params: Mapping[str, Any]) -> Dict[str, Any]:
    """A JSON-RPC 2.0 request with by-name params."""
    return {"jsonrpc": "2.0", "id": request_id, "method": method, "params": dict(params)}


def cancel_notification(request_id: int) -> Dict[str, Any]:
    """The LSP-style notification that asks the server to abort request `request_id` (answered with -32800)."""
    return {"jsonrpc": "2.0", "method": "$/cancelRequest", "params": {"id": request_id}}


@dataclass(frozen=True)
class Answer:
    """The answer to one of our requests: `result`, or `error` when the server answered with an error."""

    request_id: Any
    result: Any = None
    error: Optional[DuvoError] = None


@dataclass(frozen=True)
class Notification:
    """A notification from the server; `subscription` is set on follow notifications."""

    method: str
    params: Any

    @property
    def subscription(self) -> Optional[str]:
        """The follow this notification belongs to, if it is a follow notification."""
        value = self.params.get(SUBSCRIPTION_KEY) if isinstance(self.params, Mapping) else None
        return value if isinstance(value, str) else None


Frame = Union[Answer, Notification]


def decode(line: bytes) -> list[Frame]:
    """The frames in one NDJSON line: none for a blank line, several for a batch answer.

    Raises ValueError for a line that is not JSON-RPC, which means the process's stdout is not protocol-only.
    """
    if not line.strip():
        return []
    value = json.loads(line)
    items = value if isinstance(value, list) else [value]
    frames: list[Frame] = []
    for item in items:
        if not isinstance(item, dict) or item.get("jsonrpc") != "2.0":
            raise ValueError(f"not a JSON-RPC 2.0 frame: {item!r}"[:300])
        if "method" in item and "id" not in item:
            frames.append(Notification(item["method"], item.get("params")))
        elif "error" in item:
            frames.append(Answer(item.get("id"), error=error_from_object(item["error"])))
        elif "result" in item:
            frames.append(Answer(item.get("id"), result=item["result"]))
        # A request from the server (method and id) has no handler in this client: it is ignored.
    return frames


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
