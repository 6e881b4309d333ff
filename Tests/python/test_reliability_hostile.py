"""Hostile input through the real `duvo rpc` binary: oversized frames, deep nesting, invalid UTF-8, huge ids and
thousands of concurrent requests. Each gets a clear error (or its answer), the process keeps serving the next frame,
and its memory stays bounded. Every test uses a fresh API key and checks that it appears in no output.
"""

from __future__ import annotations

import itertools
import json
import sys

import pytest

from duvo_binary import sim_agent
from reliability_harness import RPCChild, answers, rss_kib, sim  # noqa: F401 (sim: a fixture)

# Generous: the binary idles at a few tens of MiB; a leak or an unbounded buffer of the inputs below would pass it.
RSS_CAP_KIB = 400 * 1024
PROBES = itertools.count()


def probe_answered(rpc: RPCChild) -> None:
    """The server still serves: a request after the hostile input is answered normally."""
    probe_id = f"probe-{next(PROBES)}"
    rpc.send({"jsonrpc": "2.0", "id": probe_id, "method": "runs/unfollow", "params": {"subscription": "sub-none"}})
    answer = rpc.wait_for(lambda f: isinstance(f, dict) and f.get("id") == probe_id)
    assert answer["result"] == {"success": False}


def error_answers(rpc: RPCChild) -> list[dict]:
    return [a["error"] for a in answers(rpc.snapshot()) if "error" in a]


def finish(rpc: RPCChild, key: str) -> None:
    assert rss_kib(rpc.pid)["VmHWM"] < RSS_CAP_KIB, "memory must stay bounded"
    assert rpc.close_and_wait() == 0
    assert rpc.undecodable == [], "stdout must carry frames only"
    assert key.encode() not in rpc.output(), "the API key must not appear in any output"


@pytest.mark.parametrize("framing", ["ndjson", "lsp"])
def test_a_frame_over_the_cap_is_an_invalid_request_and_the_next_frame_is_served(sim, framing):
    sim_child, key = sim
    rpc = RPCChild(sim_child.url, key, framing=framing, extra=["--max-frame-bytes", str(1 << 20)])
    huge = json.dumps({"jsonrpc": "2.0", "id": 7, "method": "runs/get",
                       "params": {"run_id": "x" * (3 << 20)}}).encode()
    rpc.send_raw(rpc.frame_bytes(huge))
    probe_answered(rpc)
    [error] = error_answers(rpc)
    assert error["code"] == -32600
    assert error["data"]["limit"] == 1 << 20
    finish(rpc, key)


def test_a_frame_over_the_default_cap_of_16_mib_is_refused_without_buffering_it(sim):
    sim_child, key = sim
    rpc = RPCChild(sim_child.url, key)
    probe_answered(rpc)
    before = rss_kib(rpc.pid)["VmHWM"]
    rpc.send_raw(b'{"jsonrpc":"2.0","id":1,"method":"runs/get","params":{"pad":"' + b"a" * (40 << 20) + b'"}}\n')
    probe_answered(rpc)
    [error] = error_answers(rpc)
    assert error["code"] == -32600 and "exceeds" in error["message"]
    # Skipped, not buffered: the 40 MiB frame never sits in memory whole (at most the 16 MiB cap does).
    assert rss_kib(rpc.pid)["VmHWM"] - before < 32 * 1024
    finish(rpc, key)


@pytest.mark.parametrize("payload", [
    b"[" * 100_000,
    b'{"a":' * 100_000,
    b'{"jsonrpc":"2.0","id":3,"method":"runs/get","params":{"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}}",
], ids=["100k-brackets", "100k-objects", "deep-params"])
def test_deep_nesting_is_a_parse_error_not_a_crash(sim, payload):
    sim_child, key = sim
    rpc = RPCChild(sim_child.url, key)
    rpc.send_raw(payload + b"\n")
    probe_answered(rpc)
    [error] = error_answers(rpc)
    assert error["code"] == -32700 and "nesting" in error["message"]
    finish(rpc, key)


@pytest.mark.parametrize("framing", ["ndjson", "lsp"])
def test_invalid_utf8_is_a_parse_error_naming_it(sim, framing):
    sim_child, key = sim
    rpc = RPCChild(sim_child.url, key, framing=framing)
    for bad in (b"\xff\xfe", b"\xc3", b"\xed\xa0\x80", b"\xf8\x88\x80\x80\x80"):
        rpc.send_raw(rpc.frame_bytes(b'{"jsonrpc":"2.0","id":1,"method":"runs/unfollow","params":{"subscription":"'
                                     + bad + b'"}}'))
    probe_answered(rpc)
    errors = error_answers(rpc)
    assert len(errors) == 4
    assert all(e["code"] == -32700 and "UTF-8" in e["message"] for e in errors)
    assert all(a.get("id") is None for a in answers(rpc.snapshot()) if "error" in a)
    finish(rpc, key)


def test_huge_ids_are_echoed_exactly(sim):
    sim_child, key = sim
    rpc = RPCChild(sim_child.url, key)
    digits = "9" * 4000
    long_string = "i" * (2 << 20)
    rpc.send_raw(('{"jsonrpc":"2.0","id":%s,"method":"runs/unfollow","params":{"subscription":"x"}}\n'
                  % digits).encode())
    rpc.send_raw(('{"jsonrpc":"2.0","id":-%s.5e-3,"method":"runs/unfollow","params":{"subscription":"x"}}\n'
                  % digits).encode())
    rpc.send({"jsonrpc": "2.0", "id": long_string, "method": "runs/unfollow", "params": {"subscription": "x"}})
    rpc.wait_for(lambda f: isinstance(f, dict) and f.get("id") == long_string)
    rpc.wait_count(lambda f: isinstance(f, dict) and "result" in f, 3)
    probe_answered(rpc)
    raw = rpc.stdout.bytes()
    assert b'"id":%s,' % digits.encode() in raw, "a 4000-digit id comes back digit for digit"
    assert b'"id":-%s.5e-3,' % digits.encode() in raw, "a number id comes back as written, exponent and all"
    assert sum(1 for a in answers(rpc.snapshot()) if a.get("id") == long_string) == 1
    finish(rpc, key)


def test_thousands_of_concurrent_requests_are_all_answered_with_bounded_memory(sim):
    sim_child, key = sim
    rpc = RPCChild(sim_child.url, key)
    run_id = rpc.result("runs/start", {"agent_id": sim_agent("echo"), "message": "many gets"})["run"]["id"]
    batch = b"".join(rpc.frame_bytes(json.dumps({"jsonrpc": "2.0", "id": i, "method": "runs/get",
                                                 "params": {"run_id": run_id}}).encode()) for i in range(3000))
    rpc.send_raw(batch)
    got = rpc.wait_count(lambda f: isinstance(f, dict) and isinstance(f.get("id"), int), 3000, timeout=300)
    assert sorted(f["id"] for f in got) == list(range(3000)), "each answered exactly once"
    assert all(f["result"]["run"]["id"] == run_id for f in got)
    finish(rpc, key)


def test_back_pressure_serves_ten_thousand_requests_through_a_small_in_flight_cap(sim):
    sim_child, key = sim
    rpc = RPCChild(sim_child.url, key, extra=["--max-in-flight", "16"])
    requests = [{"jsonrpc": "2.0", "id": i, "method": "runs/unfollow", "params": {"subscription": f"s{i}"}}
                for i in range(10_000)]
    rpc.send_raw(b"".join(rpc.frame_bytes(json.dumps(r).encode()) for r in requests))
    got = rpc.wait_count(lambda f: isinstance(f, dict) and isinstance(f.get("id"), int), 10_000, timeout=300)
    assert sorted(f["id"] for f in got) == list(range(10_000))
    finish(rpc, key)


if sys.platform != "linux":  # /proc is where memory is read
    pytestmark = pytest.mark.skip("needs /proc")
