"""Mutation fuzzing of framing and JSON-RPC through the real `duvo rpc` binary, over real pipes.

A seeded generator mutates valid frames (bytes flipped, inserted, deleted, truncated; newlines and CRs included) and
thousands of cases go through one process per framing. However mangled the input: the process never crashes or
hangs (it exits 0 at end of input), stdout carries only well-formed frames, and every request that is still a
well-formed JSON-RPC request with an id is answered exactly once, with its id. The in-memory fuzz test of the JSON-RPC
library (Tests/JSONRPCTests/MutationFuzzTests.swift) checks the model; this one checks the shipped binary, with the
real methods, the real simulator behind them and the process's own stdin reader and stdout writer.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from duvo_binary import sim_agent
from reliability_harness import RPCChild, SimChild, answers, id_key, sim  # noqa: F401 (sim: a fixture)

SEED = 20_251_122
UNKNOWN_RUN = "0b7c2f3e-9a41-4d2b-8e6f-1a2b3c4d5e6f"

# Frames whose methods answer at once or after one quick simulator round trip (a 404, a page of runs): a mutation
# may turn any of them into another shape, but not into a long wait, a follow or a run start.
SEEDS = [
    '{"jsonrpc":"2.0","id":ID,"method":"runs/get","params":{"run_id":"RUN"}}',
    '{"jsonrpc":"2.0","id":"s-ID","method":"runs/messages","params":{"run_id":"RUN","limit":5,"offset":0}}',
    '{"jsonrpc":"2.0","id":ID,"method":"runs/unfollow","params":{"subscription":"sub-ID"}}',
    '{"jsonrpc":"2.0","id":ID,"method":"runs/list","params":{"limit":2,"status":["completed","failed"]}}',
    '{"jsonrpc":"2.0","id":ID,"method":"no/such/method","params":[1,2,{"x":null}]}',
    '{"jsonrpc":"2.0","id":"s-ID","method":"runs/get","params":{"runId":"RUN"}}',
    '{"jsonrpc":"2.0","id":98765432109876543210ID,"method":"runs/unfollow","params":{"subscription":"x"}}',
    '{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":ID}}',
    '{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"s-ID"}}',
    '[{"jsonrpc":"2.0","id":ID,"method":"runs/unfollow","params":{"subscription":"a"}},'
    '{"jsonrpc":"2.0","method":"note"},{"jsonrpc":"2.0","id":"s-ID","method":"runs/get","params":{"run_id":"RUN"}}]',
    '{"jsonrpc":"2.0","id":ID,"method":"runs/stats","params":{"agent_id":"AGENT","since":"2026-01-01T00:00:00Z"}}',
    '{"jsonrpc":"2.0","id":"s-ID","method":"runs/messages","params":{"run_id":"RUN","all":true}}',
]
INTERESTING = b'{}[]":,\n\r\\01-e. \x00\xff'
# Methods a mutation must not produce: they end the session or change its mode, so what follows them would not be
# answered as an ordinary request (their own handling is covered by the bridge's protocol tests).
FORBIDDEN = {"exit", "shutdown", "initialize", "runs/wait", "runs/follow", "runs/start"}


def mutate(data: bytes, rng: random.Random) -> bytes:
    data = bytearray(data)
    for _ in range(rng.randint(1, 3)):
        pick = rng.choice(INTERESTING) if rng.random() < 0.5 else rng.randrange(256)
        index = rng.randrange(len(data)) if data else 0
        roll = rng.randrange(10)
        if roll < 4 and data:
            data[index] = pick
        elif roll < 8 and data:
            del data[index]
        elif roll == 8:
            del data[index:]
        else:
            data.insert(index, pick)
    return bytes(data)


class Ambiguous(ValueError):
    """Input that JSON parsers may legitimately disagree on; the test asks nothing of its answer."""


def strict_json(payload: bytes):
    """Parses `payload` as strict JSON (RFC 8259): UTF-8, no NaN/Infinity, no duplicate keys, no lone surrogates.

    Raises ValueError for invalid JSON and Ambiguous for JSON whose acceptance may differ between conforming parsers.
    """
    text = payload.decode("utf-8")  # UnicodeDecodeError is a ValueError

    def reject_constant(name):
        raise ValueError(name)

    def unique_pairs(pairs):
        keys = [key for key, _ in pairs]
        if len(set(keys)) != len(keys):
            raise Ambiguous("duplicate key")
        return dict(pairs)

    value = json.loads(text, parse_constant=reject_constant, object_pairs_hook=unique_pairs)

    def walk(node, depth):
        if depth > 32:
            raise Ambiguous("deep")
        if isinstance(node, str):
            node.encode("utf-8")  # a lone surrogate from a \\u escape fails here
        elif isinstance(node, float):
            raise Ambiguous("float")  # exponent and precision limits differ between parsers
        elif isinstance(node, list):
            for item in node:
                walk(item, depth + 1)
        elif isinstance(node, dict):
            for key, item in node.items():
                walk(key, depth + 1)
                walk(item, depth + 1)

    try:
        walk(value, 0)
    except UnicodeEncodeError:
        raise Ambiguous("lone surrogate")
    return value


def well_formed_request_id(entry):
    """The id of a well-formed JSON-RPC 2.0 request with a string or integer id; None for anything else."""
    if not isinstance(entry, dict) or entry.get("jsonrpc") != "2.0" or not isinstance(entry.get("method"), str):
        return None
    if "result" in entry or "error" in entry or not set(entry) <= {"jsonrpc", "id", "method", "params"}:
        return None
    if "params" in entry and not isinstance(entry["params"], (dict, list)):
        return None
    request_id = entry.get("id")
    if isinstance(request_id, bool) or not isinstance(request_id, (str, int)):
        return None
    return request_id


def methods_in(value) -> set[str]:
    entries = value if isinstance(value, list) else [value]
    return {entry["method"] for entry in entries if isinstance(entry, dict) and isinstance(entry.get("method"), str)}


class Corpus:
    """The generated payloads and what the test expects of them."""

    def __init__(self):
        self.expected: dict[tuple, int] = {}  # id key -> well-formed requests carrying it
        self.unclassified: list[bytes] = []  # payloads that might be answered with any id they contain

    def classify(self, payload: bytes) -> bool:
        """Records what `payload` must be answered with; False when it must be left out of the stream."""
        try:
            value = strict_json(payload)
        except Ambiguous:
            self.unclassified.append(payload)
            return True
        except (ValueError, RecursionError):
            self.unclassified.append(payload)
            return True
        if methods_in(value) & FORBIDDEN:
            return False
        entries = value if isinstance(value, list) and value else [value]
        for entry in entries:
            request_id = well_formed_request_id(entry)
            if request_id is None:
                self.unclassified.append(payload)
            else:
                key = id_key(request_id)
                self.expected[key] = self.expected.get(key, 0) + 1
        return True

    def must_be_exactly_once(self, key: tuple) -> bool:
        """Whether an id is unambiguous: one well-formed request carries it and no unclassified payload mentions it."""
        if self.expected.get(key) != 1:
            return False
        needle = (str(key[1]) if key[0] == "i" else key[1]).encode("utf-8", "surrogatepass")
        return not any(needle in payload for payload in self.unclassified)


def seeds(counter: int, rng: random.Random, run_id: str, agent: str) -> bytes:
    template = rng.choice(SEEDS)
    return template.replace("ID", str(1_000_000 + counter)).replace("RUN", run_id).replace("AGENT", agent).encode()


def build_ndjson(cases: int, run_id: str, agent: str) -> tuple[bytes, Corpus]:
    """A stream of mutated lines; a mutation may add or remove newlines, so lines are classified after joining."""
    rng = random.Random(SEED)
    corpus = Corpus()
    lines = []
    for counter in range(cases):
        data = seeds(counter, rng, run_id, agent)
        lines.append(mutate(data, rng) if rng.random() < 0.7 else data)
    kept = []
    # Split exactly as the server does: on \n, one trailing \r dropped, blank lines ignored.
    for line in b"\n".join(lines).split(b"\n"):
        body = line[:-1] if line.endswith(b"\r") else line
        if not body.strip(b" \t\r\n"):
            kept.append(line)
        elif corpus.classify(body):
            kept.append(line)
    return b"\n".join(kept) + b"\n", corpus


def build_lsp(cases: int, run_id: str, agent: str) -> tuple[bytes, Corpus]:
    """Content-Length frames whose headers are right and whose payloads are mutated."""
    rng = random.Random(SEED + 1)
    corpus = Corpus()
    stream = bytearray()
    for counter in range(cases):
        data = seeds(counter, rng, run_id, agent)
        payload = mutate(data, rng) if rng.random() < 0.7 else data
        if not payload.strip(b" \t\r\n") or not corpus.classify(payload):
            continue
        stream += b"Content-Length: %d\r\n\r\n" % len(payload) + payload
    return bytes(stream), corpus


def existing_run(sim_child: SimChild, key: str) -> str:
    rpc = RPCChild(sim_child.url, key)
    run = rpc.result("runs/start", {"agent_id": sim_agent("echo"), "message": "fuzz target"})["run"]["id"]
    assert rpc.close_and_wait() == 0
    return run


@pytest.mark.parametrize("framing, cases", [("ndjson", 10_000), ("lsp", 6000)])
def test_mutated_frames_never_crash_or_hang_and_every_wellformed_request_is_answered_once(sim, framing, cases):
    sim_child, key = sim
    run_id = existing_run(sim_child, key) if framing == "ndjson" else UNKNOWN_RUN
    build = build_ndjson if framing == "ndjson" else build_lsp
    stream, corpus = build(cases, run_id, sim_agent("echo"))
    assert len(corpus.expected) > cases // 4, "the corpus should keep many well-formed requests"

    rpc = RPCChild(sim_child.url, key, framing=framing)
    for start in range(0, len(stream), 1 << 16):
        rpc.send_raw(stream[start:start + (1 << 16)])
    status = rpc.close_and_wait(timeout=180)

    assert status == 0, f"exit status {status}; stderr tail: {rpc.stderr.bytes()[-2000:]!r}"
    assert rpc.undecodable == [], "stdout must carry well-formed frames only"
    answered: dict[tuple, int] = {}
    for answer in answers(rpc.snapshot()):
        key_of = id_key(answer.get("id"))
        answered[key_of] = answered.get(key_of, 0) + 1
    missing = [k for k, n in corpus.expected.items() if answered.get(k, 0) < n]
    assert missing == [], f"{len(missing)} well-formed requests were not answered, e.g. {missing[:5]}"
    repeated = [k for k in corpus.expected if corpus.must_be_exactly_once(k) and answered.get(k, 0) != 1]
    assert repeated == [], f"answered more than once: {repeated[:5]}"
    assert key.encode() not in rpc.output(), "the API key must not appear in any output"


def test_mangled_content_length_headers_never_crash_or_hang(sim):
    sim_child, key = sim
    rng = random.Random(SEED + 2)
    good = b'{"jsonrpc":"2.0","id":1,"method":"runs/unfollow","params":{"subscription":"x"}}'
    stream = bytearray()
    for _ in range(600):
        header = b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" % len(good)
        stream += mutate(header, rng) + good
    rpc = RPCChild(sim_child.url, key, framing="lsp")
    rpc.send_raw(bytes(stream))
    status = rpc.close_and_wait(timeout=120)
    assert status == 0
    assert rpc.undecodable == []
    errors = [a for a in answers(rpc.snapshot()) if "error" in a]
    assert errors, "malformed headers must be reported"
    assert all(re.match(r"^-32[0-9]{3}$", str(a["error"]["code"])) for a in errors)
    assert key.encode() not in rpc.output()
