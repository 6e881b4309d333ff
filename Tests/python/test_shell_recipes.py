"""The bash recipes in clients/shell, run as a user would (with --simulate), against the built binary."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import List

import pytest

from duvo_binary import REPO_ROOT, SIM_SPEED, own_shared_simulator

SHELL = REPO_ROOT / "clients" / "shell"
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"

pytestmark = pytest.mark.skipif(shutil.which("jq") is None, reason="the recipes need jq")


def recipe(duvo: str, name: str, *args: str) -> subprocess.CompletedProcess[str]:
    with own_shared_simulator(duvo) as env:
        return subprocess.run(
            ["bash", str(SHELL / name), "--simulate", "--sim-speed", SIM_SPEED, *args],
            capture_output=True, text=True, timeout=120, env=env, stdin=subprocess.DEVNULL,
        )


def lines(result: subprocess.CompletedProcess[str]) -> List[str]:
    return result.stdout.splitlines()


class TestStartAndFollow:
    def test_prints_every_message_in_order_then_the_end(self, duvo: str) -> None:
        result = recipe(duvo, "start-and-follow.sh", "--message", "hello from bash")
        assert result.returncode == 0, result.stderr
        out = lines(result)
        run_id = re.fullmatch(rf"run ({UUID}) started", out[0]).group(1)
        assert out[-1] == f"run {run_id} finished: completed"
        assert out[-2] == "status: completed", "the terminal status comes after every message"
        indices = [int(m.group(1)) for line in out if (m := re.match(r"\[(\d+)\] \w+: ", line))]
        assert indices == list(range(len(indices))) and indices, "each message once, in order, from 0"
        assert any(line.startswith("[0] user: hello from bash") for line in out)
        assert all(re.match(r"(run |status: |\[\d+\] )", line) for line in out), "nothing but the documented lines"

    def test_a_failed_run_exits_1(self, duvo: str) -> None:
        result = recipe(duvo, "start-and-follow.sh", "--agent-name", "failing")
        assert result.returncode == 1
        assert lines(result)[-1].endswith("finished: failed")


class TestAutoApprove:
    def test_approves_the_request_and_the_run_completes(self, duvo: str) -> None:
        result = recipe(duvo, "auto-approve.sh")
        assert result.returncode == 0, result.stderr
        out = lines(result)
        run_id = re.fullmatch(rf"following run ({UUID})", out[0]).group(1)
        assert any(re.fullmatch(rf"approved {UUID}: .+", line) for line in out)
        assert out[-1] == f"run {run_id} finished: completed"

    def test_deny_denies(self, duvo: str) -> None:
        result = recipe(duvo, "auto-approve.sh", "--deny")
        assert result.returncode in (0, 1), result.stderr
        assert any(re.fullmatch(rf"denied {UUID}: .+", line) for line in lines(result))
        assert re.fullmatch(rf"run {UUID} finished: \w+", lines(result)[-1])

    def test_questions_get_their_first_options(self, duvo: str) -> None:
        result = recipe(duvo, "auto-approve.sh", "--agent-name", "questions")
        assert result.returncode == 0, result.stderr
        assert any(re.fullmatch(rf"answered {UUID}: .+", line) for line in lines(result))


class TestLiveTail:
    LINE = re.compile(r"\d\d:\d\d:\d\d (\w+): .+")

    def test_tails_a_chatty_run_to_its_end(self, duvo: str) -> None:
        result = recipe(duvo, "live-tail.sh")
        assert result.returncode == 0, result.stderr
        *messages, last = lines(result)
        assert len(messages) >= 100 and all(self.LINE.fullmatch(line) for line in messages)
        assert re.fullmatch(rf"run {UUID} finished: completed", last)

    def test_role_filter_keeps_only_that_role(self, duvo: str) -> None:
        result = recipe(duvo, "live-tail.sh", "--agent-name", "echo", "--role", "assistant")
        assert result.returncode == 0, result.stderr
        *messages, last = lines(result)
        assert messages and {self.LINE.fullmatch(line).group(1) for line in messages} == {"assistant"}
        assert last.endswith("finished: completed")


@pytest.mark.parametrize("name", ["start-and-follow.sh", "auto-approve.sh", "live-tail.sh"])
def test_without_a_target_the_recipe_prints_its_usage(duvo: str, name: str) -> None:
    result = subprocess.run(["bash", str(SHELL / name)], capture_output=True, text=True, timeout=30,
                            env={**os.environ, "DUVO_BIN": duvo}, stdin=subprocess.DEVNULL)
    assert result.returncode == 2
    assert "Usage:" in result.stderr and result.stdout == ""


def test_recipes_are_executable_and_documented_at_the_top() -> None:
    for name in ["start-and-follow.sh", "auto-approve.sh", "live-tail.sh"]:
        path: Path = SHELL / name
        assert os.access(path, os.X_OK), f"{name} is not executable"
        head = path.read_text().splitlines()[:6]
        assert head[0] == "#!/usr/bin/env bash" and any("Usage:" in line for line in head)
