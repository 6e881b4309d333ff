"""The editor example (clients/editor): `duvo rpc` driven with Content-Length framing through pylsp-jsonrpc."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import uuid
from typing import Any, Dict, Iterator, List

import pytest

from duvo_binary import REPO_ROOT, SIM_SPEED, own_shared_simulator, rpc_command
from duvo_contract import SCHEMA_PATH, Contract

pytest.importorskip("pylsp_jsonrpc", reason="the editor example needs python-lsp-jsonrpc")
from pylsp_jsonrpc.exceptions import JsonRpcException  # noqa: E402

EDITOR = REPO_ROOT / "clients" / "editor"
sys.path.insert(0, str(EDITOR))
from duvo_editor_example import DuvoSession  # noqa: E402


def test_the_example_follows_a_run_and_shuts_down_cleanly(duvo: str) -> None:
    with own_shared_simulator(duvo) as env:
        result = subprocess.run(
            [sys.executable, str(EDITOR / "duvo_editor_example.py"), "--simulate", "--sim-speed", SIM_SPEED,
             "--message", "hello from the editor"],
            capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
        )
    assert result.returncode == 0, result.stderr
    out = result.stdout.splitlines()
    assert re.fullmatch(r"duvo-bridge 0\.1\.0, \d+ methods", out[0])
    assert re.fullmatch(r"run [0-9a-f-]{36}", out[1])
    assert "[0] user: hello from the editor" in out
    indices = [int(m.group(1)) for line in out if (m := re.match(r"\[(\d+)\] ", line))]
    assert indices == list(range(len(indices)))
    assert out[-3:] == ["status: completed", "finished: completed", "duvo exited with 0"]


@pytest.fixture
def session(duvo: str) -> Iterator[DuvoSession]:
    session = DuvoSession(rpc_command())
    yield session
    if session.process.poll() is None:  # the test failed before its shutdown handshake
        session.process.kill()
        session.process.wait()


def test_content_length_frames_carry_results_errors_and_notifications(
    session: DuvoSession, contract: Contract, agents: Dict[str, str]
) -> None:
    assert session.request("rpc.discover").result(30) == json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))

    with pytest.raises(JsonRpcException) as raised:
        session.request("runs/get", {"run_id": str(uuid.uuid4())}).result(30)
    assert raised.value.code == -31003
    contract.check_error(raised.value.to_dict(), allowed_for="runs/get")

    seen: List[tuple[str, Any]] = []
    ended = threading.Event()
    for name in contract.notification_names:
        session.on[name] = lambda params, name=name: seen.append((name, params))
    session.on["runs/followEnded"] = lambda params: (seen.append(("runs/followEnded", params)), ended.set())

    # Content-Length counts UTF-8 bytes: a message with multi-byte characters must come back whole.
    text = "héllo ✓ 日本語 🚀"
    started = session.request("runs/start", {"agent_id": agents["echo"], "message": text, "follow": True}).result(30)
    contract.check_result("runs/start", started)
    assert ended.wait(60), "the follow did not end"
    for name, params in seen:
        contract.check_notification(name, params)
    texts = [p["message"].get("text_content") for n, p in seen if n == "runs/message"]
    assert text in texts
    assert seen[-1][0] == "runs/followEnded" and seen[-1][1]["reason"] == "terminal"

    assert session.shutdown() == 0
