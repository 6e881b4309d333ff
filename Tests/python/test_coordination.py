"""Processes on one key share one budget (issue 11 items 2, 4, 5): real `duvo rpc` processes, a real `duvo sim` that
sends no rate-limit headers, and a real `redis-server`, with the requests counted on the wire (the simulator's log).

Exceeding a 60-second budget would make a test wait a minute, so each test fires more requests than the limit and
checks what reached the wire once the limit's worth of answers came back: exactly the limit, and not one 429.
"""

from __future__ import annotations

import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

import pytest

from coordination_harness import RedisChild, wire_statuses
from frontends.pki import TestPKI
from reliability_harness import TEAM, RPCChild, SimChild, unique_key

LIMIT = 12


@pytest.fixture()
def runtime_dir():
    path = tempfile.mkdtemp(prefix="duvo-rt-")
    yield path
    shutil.rmtree(path, ignore_errors=True)


def sim_without_headers(key: str, *more_keys: str) -> SimChild:
    extra = ["--rate-limit", str(LIMIT), "--no-rate-limit-headers", "--log-level", "debug", "--speed", "50"]
    for other in more_keys:
        extra += ["--api-key", f"{other}:{TEAM}"]
    return SimChild(key, extra)


def fire(processes: list[RPCChild], calls_each: int) -> None:
    """Sends `calls_each` runs/list requests from every process at once, without waiting for answers."""
    for process in processes:
        for n in range(calls_each):
            process.send({"jsonrpc": "2.0", "id": f"list-{n}", "method": "runs/list", "params": {"limit": 1}})


def answered(process: RPCChild) -> int:
    return sum(1 for f in process.snapshot() if isinstance(f, dict) and str(f.get("id", "")).startswith("list-"))


def wait_until(predicate, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def spend_together(processes: list[RPCChild], sim: SimChild, calls_each: int) -> list[int]:
    """Fires more than the limit from all processes; returns the wire's statuses once LIMIT answers are back and a
    few seconds passed in which more could have gone out."""
    fire(processes, calls_each)
    wait_until(lambda: sum(answered(p) for p in processes) >= LIMIT)
    time.sleep(3)  # an absence is asserted: give extra requests time to show up on the wire
    return wire_statuses(sim.stderr.bytes().decode())


@pytest.mark.parametrize("mode", ["local", "redis"])
def test_processes_on_one_key_hold_the_limit_together_without_rate_limit_headers(mode, runtime_dir):
    key = unique_key()
    sim = sim_without_headers(key)
    redis = RedisChild(password="redis-pw-" + unique_key()[-8:]) if mode == "redis" else None
    env = {"DUVO_RUNTIME_DIR": runtime_dir}
    if redis:
        env["DUVO_COORDINATION"] = redis.url(db=2)
    processes = [RPCChild(sim.url, key, rate_limit=LIMIT, env_extra=env) for _ in range(4)]
    try:
        statuses = spend_together(processes, sim, calls_each=6)
        assert 429 not in statuses, "together the processes stayed within the key's limit"
        assert len(statuses) == LIMIT, f"exactly the limit went out in the first minute, not {len(statuses)}"
        for process in processes:
            output = process.output()
            assert key.encode() not in output
            if redis:
                assert redis.password.encode() not in output, "the Redis password never appears"
                assert b"carrying on with" not in output, "Redis was used, not the fallback"
    finally:
        for process in processes:
            process.kill()
        sim.stop()
        if redis:
            redis.close()


def test_without_coordination_the_same_processes_draw_429s(runtime_dir):
    """The control: `--coordination off` keeps today's per-process budgets, which together overrun the key."""
    key = unique_key()
    sim = sim_without_headers(key)
    env = {"DUVO_RUNTIME_DIR": runtime_dir, "DUVO_COORDINATION": "off"}
    processes = [RPCChild(sim.url, key, rate_limit=LIMIT, env_extra=env) for _ in range(4)]
    try:
        statuses = spend_together(processes, sim, calls_each=6)
        assert statuses.count(429) > 0
    finally:
        for process in processes:
            process.kill()
        sim.stop()


def ledger_sends(path: str) -> int:
    """Send times in the active slot of a binary budget ledger (layout in
    Sources/KeyCoordination/Budget/BudgetLedgerFile)."""
    with open(path, "rb") as f:
        data = f.read()
    magic, version, send_capacity, waiter_capacity, active = struct.unpack_from("<5Q", data)
    assert magic == 0x31474442_4F565544 and version == 3
    header_words = 8  # checksum, five times and tokens, two counts
    slot = 8 * (header_words + send_capacity + 3 * waiter_capacity)
    return struct.unpack_from("<Q", data, 64 + active * slot + 8 * 6)[0]


# Takes the ledger's lock, cuts the file short as a writer killed mid-write would, says so and waits to be killed.
HOLD_AND_TEAR = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
fcntl.flock(fd, fcntl.LOCK_EX)
os.ftruncate(fd, 100)
print("held", flush=True)
time.sleep(600)
"""


def test_a_process_killed_inside_the_budgets_critical_section_blocks_nobody(runtime_dir):
    key = unique_key()
    sim = sim_without_headers(key)
    survivor = RPCChild(sim.url, key, rate_limit=LIMIT, env_extra={"DUVO_RUNTIME_DIR": runtime_dir})
    holder = None
    try:
        assert "result" in survivor.call("runs/list", {"limit": 1}, timeout=30)
        (ledger,) = [os.path.join(runtime_dir, n) for n in os.listdir(runtime_dir)
                     if n.startswith("budget-") and n.endswith(".ledger")]
        # The lock is the kernel's, whoever holds it: a Python child stands in for a bridge killed mid-write.
        holder = subprocess.Popen([sys.executable, "-c", HOLD_AND_TEAR, ledger], stdout=subprocess.PIPE)
        assert holder.stdout.readline() == b"held\n"
        survivor.send({"jsonrpc": "2.0", "id": "list-after", "method": "runs/list", "params": {"limit": 1}})
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait()
        answer = survivor.wait_for(lambda f: isinstance(f, dict) and f.get("id") == "list-after", timeout=30)
        assert "result" in answer
        assert b"carrying on with" not in survivor.output(), "the survivor used the shared file, not a fallback"
        assert ledger_sends(ledger) >= 1, "the torn file was rebuilt, with the survivor's send in it"
    finally:
        if holder:
            holder.kill()
            holder.wait()
        survivor.kill()
        sim.stop()


def test_two_keys_on_one_machine_keep_separate_budgets(runtime_dir):
    first, second = unique_key(), unique_key()
    sim = sim_without_headers(first, second)
    env = {"DUVO_RUNTIME_DIR": runtime_dir}
    one = RPCChild(sim.url, first, rate_limit=LIMIT, env_extra=env)
    two = RPCChild(sim.url, second, rate_limit=LIMIT, env_extra=env)
    try:
        for process in (one, two):
            fire([process], LIMIT)
        wait_until(lambda: answered(one) == LIMIT and answered(two) == LIMIT, timeout=30)
        statuses = wire_statuses(sim.stderr.bytes().decode())
        assert statuses.count(200) == 2 * LIMIT and 429 not in statuses, "each key had its own full allowance"
        names = os.listdir(runtime_dir)
        assert len([n for n in names if n.startswith("budget-") and n.endswith(".ledger")]) == 2
        assert not any(first in n or second in n for n in names), "files are named by a keyed hash, not the key"
    finally:
        one.kill()
        two.kill()
        sim.stop()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a directory owned by another user needs root")
def test_a_runtime_directory_owned_by_another_user_is_refused(runtime_dir):
    key = unique_key()
    sim = sim_without_headers(key)
    foreign = os.path.join(runtime_dir, "theirs")
    os.mkdir(foreign, 0o700)
    os.chown(foreign, 65534, 65534)
    try:
        refused = RPCChild(sim.url, key, rate_limit=LIMIT, env_extra={"DUVO_RUNTIME_DIR": foreign})
        assert refused.wait(timeout=30) == 2
        text = refused.stderr.bytes().decode()
        assert foreign in text and "belongs to uid 65534" in text and "--coordination off" in text, text
        alone = RPCChild(sim.url, key, rate_limit=LIMIT,
                         env_extra={"DUVO_RUNTIME_DIR": foreign, "DUVO_COORDINATION": "off"})
        assert "result" in alone.call("runs/list", {"limit": 1}, timeout=30), "off needs no runtime directory"
        alone.kill()
    finally:
        sim.stop()


def test_redis_stopped_and_restarted_mid_run(runtime_dir, agents):
    key = unique_key()
    sim = SimChild(key, ["--rate-limit", "300", "--no-rate-limit-headers", "--speed", "20"])
    redis = RedisChild(password="pw-" + unique_key()[-10:])
    env = {"DUVO_RUNTIME_DIR": runtime_dir, "DUVO_COORDINATION": redis.url(db=1)}
    processes = [RPCChild(sim.url, key, rate_limit=300, env_extra=env) for _ in range(2)]
    try:
        started = processes[0].result("runs/start", {"agent_id": agents["chatty"], "follow": True})
        subscription = started["subscription"]
        for process in processes:
            assert "result" in process.call("runs/list", {"limit": 1})
        redis.stop()
        for process in processes:
            for _ in range(3):
                answer = process.call("runs/list", {"limit": 1}, timeout=30)
                assert "result" in answer, "requests carry on with local coordination"
        redis.start()
        deadline = time.monotonic() + 60
        while b"reachable again" not in processes[1].output():
            assert time.monotonic() < deadline, "the process went back to Redis"
            assert "result" in processes[1].call("runs/list", {"limit": 1}, timeout=30)
            time.sleep(0.2)
        ended = processes[0].wait_for(lambda f: isinstance(f, dict) and f.get("method") == "runs/followEnded"
                                      and f["params"]["subscription"] == subscription, timeout=180)
        assert ended["params"]["reason"] == "terminal", "the follow outlived the outage"
        for process in processes:
            text = process.output()
            assert text.count(b"carrying on with") == 1, "the outage is reported once"
            assert redis.password.encode() not in text and key.encode() not in text
    finally:
        for process in processes:
            process.kill()
        sim.stop()
        redis.close()


@pytest.fixture(scope="module")
def pki(tmp_path_factory) -> TestPKI:
    return TestPKI(tmp_path_factory.mktemp("redis-pki"))


def test_bridges_on_two_machines_coordinate_over_tls_as_an_acl_user(pki, tmp_path):
    """Each bridge has a runtime directory of its own (as on two machines), so only Redis can make them share;
    one takes the URL from DUVO_COORDINATION, the other from the file DUVO_COORDINATION_FILE names."""
    key = unique_key()
    sim = sim_without_headers(key)
    redis = RedisChild(password="tls-pw-" + unique_key()[-12:], user="duvo", tls=pki)
    url_file = tmp_path / "coordination-url"
    url_file.write_text(redis.url(db=3) + "\n")
    url_file.chmod(0o600)
    ways = [{"DUVO_COORDINATION": redis.url(db=3)}, {"DUVO_COORDINATION_FILE": str(url_file)}]
    processes = [RPCChild(sim.url, key, rate_limit=LIMIT,
                          env_extra={**way, "DUVO_RUNTIME_DIR": str(tmp_path / f"rt-{n}"), "DUVO_CA_FILE": str(pki.ca),
                                     "DUVO_LOG_LEVEL": "trace"})
                 for n, way in enumerate(ways)]
    try:
        statuses = spend_together(processes, sim, calls_each=LIMIT)
        assert 429 not in statuses and len(statuses) == LIMIT, "the two held the key's limit together through Redis"
        assert "duvo:{" in redis.cli("-n", "3", "--scan", "--pattern", "duvo:*"), "the budget is in Redis"
        for process in processes:
            output = process.output()
            assert b"carrying on with" not in output, output[-2000:]
            assert redis.password.encode() not in output and key.encode() not in output
    finally:
        for process in processes:
            process.kill()
        sim.stop()
        redis.close()


@pytest.mark.parametrize("mistake", ["untrusted CA", "host not in the certificate", "wrong password"])
def test_a_tls_redis_with_the_wrong_ca_name_or_password_is_refused_with_a_clear_warning(mistake, pki, runtime_dir):
    key = unique_key()
    sim = sim_without_headers(key)
    redis = RedisChild(password="tls-pw-" + unique_key()[-12:], user="duvo", tls=pki)
    wrong = "wrong-pw-" + unique_key()[-12:]
    env = {"DUVO_RUNTIME_DIR": runtime_dir, "DUVO_LOG_LEVEL": "trace",
           "DUVO_CA_FILE": str(pki.rogue_ca if mistake == "untrusted CA" else pki.ca),
           "DUVO_COORDINATION": redis.url(password=wrong if mistake == "wrong password" else None,
                                          host="127.0.0.2" if mistake == "host not in the certificate" else "127.0.0.1")}
    process = RPCChild(sim.url, key, rate_limit=LIMIT, env_extra=env)
    try:
        for _ in range(3):
            assert "result" in process.call("runs/list", {"limit": 1}, timeout=60), "it carries on locally"
        output = process.output()
        warnings = [line for line in output.decode().splitlines() if "carrying on with" in line]
        assert len(warnings) == 1, output[-3000:]
        expected = {"untrusted CA": "certificate is not trusted (SSL certificate problem",
                    "host not in the certificate": "certificate is not trusted (SSL: no alternative certificate "
                                                   "subject name matches target host name '127.0.0.2')",
                    "wrong password": "authentication failed (WRONGPASS)"}[mistake]
        assert f"Redis at rediss://127.0.0.{2 if 'host' in mistake else 1}:{redis.port}/0" in warnings[0], warnings[0]
        assert expected in warnings[0], warnings[0]
        assert redis.password.encode() not in output and wrong.encode() not in output and key.encode() not in output
    finally:
        process.kill()
        sim.stop()
        redis.close()
