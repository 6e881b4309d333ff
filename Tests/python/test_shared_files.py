"""The runtime directory's shared files against an unlucky or hostile world (issue 19, items 1 and 5): a full disk, a
ledger truncated and scribbled on while three bridges serve, and a ledger or sweep lease left by another boot.

Real `duvo` processes against a real `duvo sim`. The full disk is a tmpfs mounted by the test, which needs root (CI
runs the tests as root); elsewhere that test is skipped and says why.
"""

from __future__ import annotations

import glob
import os
import random
import struct
import subprocess
import tempfile
import threading
import time

import pytest

from reliability_harness import TEAM, RPCChild, SimChild, unique_key
from duvo_binary import duvo_bin
from test_shared_sweeps import LEADS, start_runs

MAGIC = 0x31474442_4F565544  # "DUVOBDG1"
WARNING = b"carrying on with"


def cli_env(sim: SimChild, key: str, runtime_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUVO_")}
    env.update(DUVO_BASE_URL=sim.url, DUVO_API_KEY=key, DUVO_TEAM_ID=TEAM, DUVO_RUNTIME_DIR=runtime_dir, NO_COLOR="1")
    return env


def runs_get(sim: SimChild, key: str, runtime_dir: str, run_id: str, *extra: str) -> subprocess.CompletedProcess:
    # The timeout only guards against a hang.
    return subprocess.run([duvo_bin(), "runs", "get", run_id, *extra], env=cli_env(sim, key, runtime_dir),
                          capture_output=True, timeout=120)


def ledgers(runtime_dir: str) -> list[str]:
    return glob.glob(os.path.join(runtime_dir, "budget-*.ledger"))


def wait_until(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def fnv(words: list[int]) -> int:
    value = 0xCBF29CE484222325
    for word in words:
        value = ((value ^ word) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return value


def ledger_bytes(version: int, boot: tuple[int, int], blocked_until: float) -> bytes:
    """A whole, checksummed ledger (layout in Sources/KeyCoordination/Budget/BudgetLedger+Binary.swift) that blocks
    the key until `blocked_until` (monotonic seconds): version 2 as the previous release wrote it, 3 with a boot id."""
    sends, waiters = 1024, 128
    header = [MAGIC, version, sends, waiters, 0] + ([boot[0], boot[1], 0] if version == 3 else [0, 0, 0])
    fields = [struct.unpack("<Q", struct.pack("<d", value))[0]
              for value in (blocked_until, float("-inf"), 0.0, float("-inf"), float("-inf"))] + [0, 0]
    slot = [fnv(fields)] + fields
    slot_words = 8 + sends + 3 * waiters
    words = header + slot + [0] * (2 * slot_words - len(slot))
    return struct.pack(f"<{len(words)}Q", *words)


@pytest.fixture()
def runtime_dir():
    path = tempfile.mkdtemp(prefix="duvo-rt-")
    yield path
    subprocess.run(["rm", "-rf", path], check=False)


@pytest.fixture()
def full_disk():
    """A 1 MiB tmpfs, mode 0700, filled to the last byte; the path of its root."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs to fill needs root (CI runs the tests as root)")
    path = tempfile.mkdtemp(prefix="duvo-full-")
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0700", "tmpfs", path],
                             capture_output=True, text=True)
    if mounted.returncode != 0:
        os.rmdir(path)
        pytest.skip(f"this machine does not let the test mount a tmpfs: {mounted.stderr.strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", path], check=False)
        os.rmdir(path)


def fill(path: str) -> None:
    with open(os.path.join(path, "filler"), "wb", buffering=0) as filler:
        for size in (1 << 16, 1 << 12, 1):
            try:
                while True:
                    filler.write(b"\0" * size)
            except OSError:
                pass


def test_a_full_disk_kills_no_call_it_warns_once_and_carries_on(full_disk):
    key = unique_key()
    sim = SimChild(key, ["--rate-limit", "0", "--speed", "50"])
    try:
        (run_id,) = start_runs(sim, key, 1, "echo")
        # A ledger laid out before the disk filled, used after.
        before = runs_get(sim, key, full_disk, run_id)
        assert before.returncode == 0, before.stderr
        assert len(ledgers(full_disk)) == 1
        fill(full_disk)
        after = runs_get(sim, key, full_disk, run_id)
        assert after.returncode == 0, f"exit {after.returncode}: {after.stderr[-2000:]!r}"
        # No ledger yet, on a full disk: the first write fails.
        for ledger in ledgers(full_disk):
            os.unlink(ledger)
        fill(full_disk)
        fresh = runs_get(sim, key, full_disk, run_id)
        assert fresh.returncode == 0, f"exit {fresh.returncode} (a negative one is a signal): {fresh.stderr[-2000:]!r}"
        assert run_id.encode() in fresh.stdout
        assert fresh.stderr.count(WARNING) == 1, fresh.stderr
        assert b"No space left on device" in fresh.stderr, fresh.stderr

        rpc = RPCChild(sim.url, key, rate_limit=600, env_extra={"DUVO_RUNTIME_DIR": full_disk})
        try:
            for _ in range(5):
                assert "result" in rpc.call("runs/get", {"run_id": run_id}, timeout=60)
            assert rpc.close_and_wait() == 0
            assert rpc.stderr.bytes().count(WARNING) == 1, "one warning, not one per call"
        finally:
            rpc.kill()
    finally:
        sim.stop()


def test_follows_on_a_full_disk_are_swept_by_the_process_alone(full_disk):
    """Three runs make a process sweep, and the sweep lease cannot be written: the process sweeps for itself."""
    key = unique_key()
    sim = SimChild(key, ["--rate-limit", "300", "--speed", "10"])
    proc = None
    try:
        fill(full_disk)
        proc = follower(sim, key, full_disk)
        for subscription in follow(proc, start_runs(sim, key, 3, "slow")):
            ended = proc.wait_for(lambda f: f.get("method") == "runs/followEnded"
                                  and f["params"]["subscription"] == subscription, timeout=240)
            assert ended["params"]["reason"] == "terminal", ended
        assert not [f for f in proc.snapshot() if f.get("method") == "runs/followStalled"]
        assert LEADS in proc.stderr.bytes(), "it swept itself"
        warnings = [line for line in proc.stderr.bytes().splitlines() if WARNING in line]
        assert len(warnings) == 2, f"one warning for the ledger, one for the lease: {warnings}"
        assert [b"budget-" in line for line in warnings].count(True) == 1, warnings
        assert [b"sweep-" in line for line in warnings].count(True) == 1, warnings
    finally:
        if proc:
            proc.kill()
        sim.stop()


def test_a_ledger_truncated_and_scribbled_on_while_three_bridges_serve_kills_none(runtime_dir):
    key = unique_key()
    sim = SimChild(key, ["--rate-limit", "0", "--speed", "50"])
    bridges = [RPCChild(sim.url, key, rate_limit=6000, env_extra={"DUVO_RUNTIME_DIR": runtime_dir})
               for _ in range(3)]
    stop = threading.Event()

    def scribble(path: str) -> None:
        # As fast as it can: cut the file anywhere, put any word where the active slot's index is, random bytes
        # anywhere, or random bytes all over; the bridges' reads and writes land between any two of these.
        rng = random.Random(19)
        fd = os.open(path, os.O_RDWR)
        try:
            while not stop.is_set():
                size = os.fstat(fd).st_size
                choice = rng.randrange(4)
                if choice == 0:
                    os.ftruncate(fd, rng.randrange(size + 1))
                elif choice == 1:
                    os.pwrite(fd, rng.randbytes(8), 32)
                elif choice == 2:
                    os.pwrite(fd, rng.randbytes(rng.randrange(1, 4096)), rng.randrange(size + 1))
                else:
                    os.pwrite(fd, rng.randbytes(max(size, 64)), 0)
        finally:
            os.close(fd)

    try:
        for bridge in bridges:
            assert "result" in bridge.call("runs/list", {"limit": 1}, timeout=60)
        (path,) = ledgers(runtime_dir)
        scribbler = threading.Thread(target=scribble, args=(path,), daemon=True)
        scribbler.start()
        for round_ in range(100):
            for bridge in bridges:
                for n in range(20):
                    bridge.send({"jsonrpc": "2.0", "id": f"r{round_}-{n}", "method": "runs/list",
                                 "params": {"limit": 1}})
            for bridge in bridges:
                last = bridge.wait_for(lambda f: isinstance(f, dict) and f.get("id") == f"r{round_}-19", timeout=60)
                assert "result" in last, f"round {round_}: {last}"
        stop.set()
        scribbler.join(timeout=30)
        for bridge in bridges:
            assert bridge.proc.poll() is None, f"a bridge died: {bridge.proc.returncode}"
            assert "result" in bridge.call("runs/list", {"limit": 1}, timeout=60)
            assert bridge.close_and_wait() == 0
    finally:
        stop.set()
        for bridge in bridges:
            bridge.kill()
        sim.stop()


@pytest.mark.parametrize("version", [2, 3])
def test_a_ledger_blocked_for_30_days_by_another_boot_holds_nobody_up(runtime_dir, version):
    key = unique_key()
    sim = SimChild(key, ["--rate-limit", "0", "--speed", "50"])
    try:
        (run_id,) = start_runs(sim, key, 1, "echo")
        assert runs_get(sim, key, runtime_dir, run_id).returncode == 0
        (path,) = ledgers(runtime_dir)
        with open(path, "r+b") as ledger:
            ledger.truncate(0)
            ledger.write(ledger_bytes(version, (0x0123456789ABCDEF, 0xFEDCBA9876543210),
                                      time.monotonic() + 30 * 86400))
        done = runs_get(sim, key, runtime_dir, run_id, "--timeout", "5")
        assert done.returncode == 0, f"exit {done.returncode}: {done.stderr[-2000:]!r}"
        assert run_id.encode() in done.stdout
    finally:
        sim.stop()


def follower(sim: SimChild, key: str, runtime_dir: str) -> RPCChild:
    return RPCChild(sim.url, key, rate_limit=300, extra=["--poll-scale", "0.25", "--log-level", "debug"],
                    env_extra={"DUVO_RUNTIME_DIR": runtime_dir})


def follow(proc: RPCChild, runs: list[str]) -> list[str]:
    return [proc.result("runs/follow", {"run_id": run_id})["subscription"] for run_id in runs]


@pytest.mark.parametrize("line", ["previous release", "another boot"])
def test_a_sweep_lease_held_far_ahead_by_a_live_pid_is_taken_over(runtime_dir, line):
    key, own = unique_key(), unique_key()
    sim = SimChild(key, ["--api-key", f"{own}:{TEAM}", "--no-rate-limit-headers", "--rate-limit", "300",
                         "--speed", "10", "--log-level", "debug"])
    first = second = None
    try:
        # Three runs make a process sweep, so it takes the lease: that names the lease file.
        first = follower(sim, key, runtime_dir)
        follow(first, start_runs(sim, own, 3, "slow"))
        wait_until(lambda: glob.glob(os.path.join(runtime_dir, "sweep-*.lease")))
        first.kill()
        (lease,) = glob.glob(os.path.join(runtime_dir, "sweep-*.lease"))
        ahead = time.monotonic() + 30 * 86400
        # This test's own pid: alive for as long as the lease is looked at.
        text = f"holder squatter {os.getpid()} {ahead}"
        if line == "another boot":
            text += " 0123456789abcdeffedcba9876543210"
        with open(lease, "w") as out:
            out.write(text + "\n")
        second = follower(sim, key, runtime_dir)
        subscriptions = follow(second, start_runs(sim, own, 3, "slow"))
        wait_until(lambda: LEADS in second.stderr.bytes(), timeout=40)
        for subscription in subscriptions:
            ended = second.wait_for(lambda f: f.get("method") == "runs/followEnded"
                                    and f["params"]["subscription"] == subscription, timeout=240)
            assert ended["params"]["reason"] == "terminal", ended
        assert not [f for f in second.snapshot() if f.get("method") == "runs/followStalled"]
    finally:
        for proc in (first, second):
            if proc:
                proc.kill()
        sim.stop()
