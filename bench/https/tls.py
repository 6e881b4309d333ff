#!/usr/bin/env python3
"""What https costs through duvo: `duvo sim` behind nginx (TLS 1.3, HTTP/2, gzip; a CA made here, trusted through
SSL_CERT_FILE), against baselines measured in the same run:

1. `duvo runs get --json` (a whole process, one TLS handshake) over https vs the same command over plain http to the
   simulator, in interleaved pairs; the figure is the median of the per-pair ratios (target: within 1.3x). The test
   CA alone is trusted through SSL_CERT_FILE; two more sides show the size of the trust store: a hashed folder of
   the system's CAs plus the test CA (SSL_CERT_DIR: what the default system store costs, looked up lazily) and one
   bundle file of the same certificates (SSL_CERT_FILE: parsed whole, once per process).
2. `runs/get` through one long-lived `duvo rpc` over https vs a raw keep-alive https GET of the same URL through the
   same nginx (target: within 2x), and the bridge's CPU per call over https and http.
3. For the transport decision: `runs/get` through the bridge over http with the socket transport vs libcurl.

Never run by the tests: wall-clock figures are for people, and this machine is noisy, so every figure is a median
over many samples plus a ratio against a baseline taken alongside. Prints a table and writes JSON.
"""
from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "Tests" / "python"))

from frontends.pki import TestPKI  # noqa: E402
from frontends.servers import NginxTLS  # noqa: E402

KEY, TEAM = "dv_sim_local_key", "local-team"
SYSTEM_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
# Trust and proxy settings of the machine would change what is measured; each measurement sets its own.
AMBIENT = ("SSL_CERT_FILE", "SSL_CERT_DIR", "CURL_CA_BUNDLE", "DUVO_CA_FILE", "http_proxy", "HTTP_PROXY",
           "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY")


def environment(base: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in AMBIENT and not k.startswith("DUVO_")}
    env.update(DUVO_BASE_URL=base, DUVO_API_KEY=KEY, DUVO_TEAM_ID=TEAM, DUVO_RATE_LIMIT="0", **extra)
    return env


def summary(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_us": round(statistics.median(ordered), 1), "p95_us": round(ordered[int(len(ordered) * 0.95) - 1], 1),
            "n": len(ordered)}


class Bridge:
    """One `duvo rpc`, called synchronously: each request one write, answers read through a buffer (as
    clients/python does; an unbuffered `readline` would cost a read(2) per byte of the answer, measuring Python)."""

    def __init__(self, duvo: str, env: dict[str, str]):
        self.proc = subprocess.Popen([duvo, "rpc", "--log-level", "error"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, bufsize=0)
        self.answers = io.BufferedReader(self.proc.stdout)
        self.next_id = 0

    def get(self, run_id: str) -> None:
        self.next_id += 1
        self.proc.stdin.write((json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": "runs/get",
                                           "params": {"run_id": run_id}}) + "\n").encode())
        answer = json.loads(self.answers.readline())
        assert "result" in answer, answer

    def cpu_seconds(self) -> float:
        fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def bridge_latency(duvo: str, env: dict[str, str], run_id: str, calls: int) -> tuple[dict, float]:
    """p50/p95 of runs/get through one bridge, and its CPU per call in ms (after a warm-up)."""
    bridge = Bridge(duvo, env)
    try:
        for _ in range(200):
            bridge.get(run_id)
        cpu = bridge.cpu_seconds()
        samples = []
        for _ in range(calls):
            start = time.perf_counter()
            bridge.get(run_id)
            samples.append((time.perf_counter() - start) * 1e6)
        return summary(samples), round((bridge.cpu_seconds() - cpu) * 1000 / calls, 3)
    finally:
        bridge.close()


def raw_latency(get, calls: int) -> dict:
    """p50/p95 of a raw keep-alive GET (Python's http.client), after a warm-up."""
    for _ in range(200):
        get()
    samples = []
    for _ in range(calls):
        start = time.perf_counter()
        get()
        samples.append((time.perf_counter() - start) * 1e6)
    return summary(samples)


def cli_pairs(duvo: str, run_id: str, sides: dict[str, dict[str, str]], pairs: int) -> dict:
    """Runs `duvo runs get ID --json` once per side per round, interleaved; ratios are against side "http"."""
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(pairs):
        for name, env in sides.items():
            start = time.perf_counter()
            subprocess.run([duvo, "runs", "get", run_id, "--json"], env=env, check=True, stdout=subprocess.DEVNULL,
                           stderr=subprocess.DEVNULL)
            samples[name].append((time.perf_counter() - start) * 1e6)
    out = {name: summary(values) for name, values in samples.items()}
    for name in sides:
        if name != "http":
            ratios = [a / b for a, b in zip(samples[name], samples["http"])]
            out[f"{name}_vs_http_median_of_pairs"] = round(statistics.median(ratios), 2)
    return out


def main(args) -> dict:
    duvo = args.duvo
    work = Path(tempfile.mkdtemp(prefix="duvo-bench-https-"))
    sim = subprocess.Popen([duvo, "sim", "--port", "0", "--rate-limit", "0", "--log-level", "error"],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    base = sim.stdout.readline().strip()
    try:
        pki = TestPKI(work / "pki")
        big_bundle = work / "system-plus-test-ca.pem"
        big_bundle.write_bytes((SYSTEM_BUNDLE.read_bytes() if SYSTEM_BUNDLE.exists() else b"") + pki.ca.read_bytes())
        system_folder = hashed_system_folder(work / "system-certs", pki.ca)
        with NginxTLS(work / "nginx", base, pki.server_certificate, pki.server_key) as nginx:
            started = subprocess.run([duvo, "runs", "start", "--agent", slow_agent(duvo), "--json"],
                                     env=environment(base), check=True, capture_output=True, text=True)
            run_id = json.loads(started.stdout)["run"]["id"]
            https_env = environment(nginx.url, SSL_CERT_FILE=str(pki.ca))
            results: dict = {"bundle_bytes": {"test_ca": pki.ca.stat().st_size, "system_size": big_bundle.stat().st_size}}

            results["cli_runs_get"] = cli_pairs(duvo, run_id, {
                "http": environment(base),
                "https": https_env,
                "https_system_size_folder": environment(nginx.url, SSL_CERT_DIR=str(system_folder)),
                "https_system_size_bundle": environment(nginx.url, SSL_CERT_FILE=str(big_bundle)),
            }, args.pairs)

            context = ssl.create_default_context(cafile=str(pki.ca))
            raw = http.client.HTTPSConnection("localhost", nginx.port, context=context)
            path, headers = f"/v2/runs/{run_id}", {"Authorization": f"Bearer {KEY}", "Accept-Encoding": "gzip"}

            def raw_get() -> None:
                raw.request("GET", path, headers=headers)
                response = raw.getresponse()
                response.read()
                assert response.status == 200

            plain = http.client.HTTPConnection(*base.split("://", 1)[1].split(":"))

            def raw_http_get() -> None:
                plain.request("GET", path, headers=headers)
                response = plain.getresponse()
                response.read()
                assert response.status == 200

            results["raw_keepalive_https_get"] = raw_latency(raw_get, args.calls)
            results["raw_keepalive_http_get"] = raw_latency(raw_http_get, args.calls)
            results["bridge_https"], results["bridge_https_cpu_ms_per_call"] = bridge_latency(
                duvo, https_env, run_id, args.calls)
            results["bridge_https_vs_raw_https_p50"] = round(
                results["bridge_https"]["p50_us"] / results["raw_keepalive_https_get"]["p50_us"], 2)

            results["bridge_http_socket"], results["bridge_http_socket_cpu_ms_per_call"] = bridge_latency(
                duvo, environment(base), run_id, args.calls)
            # A proxy variable with NO_PROXY=* selects libcurl for http while connecting directly.
            results["bridge_http_curl"], results["bridge_http_curl_cpu_ms_per_call"] = bridge_latency(
                duvo, environment(base, http_proxy="http://127.0.0.1:9", NO_PROXY="*"), run_id, args.calls)
            results["bridge_http_vs_raw_http_p50"] = round(
                results["bridge_http_socket"]["p50_us"] / results["raw_keepalive_http_get"]["p50_us"], 2)
            results["http_curl_vs_socket_p50"] = round(
                results["bridge_http_curl"]["p50_us"] / results["bridge_http_socket"]["p50_us"], 2)
            protocols = {line.split()[0] for line in nginx.access_log()}
            results["nginx_protocols_seen"] = sorted(protocols)
        return results
    finally:
        sim.terminate()
        sim.wait()
        shutil.rmtree(work, ignore_errors=True)


def hashed_system_folder(folder: Path, ca: Path) -> Path:
    """The system's hashed CA links plus the test CA, rehashed: the system store as OpenSSL looks it up."""
    folder.mkdir()
    system = SYSTEM_BUNDLE.parent
    for entry in system.iterdir() if system.is_dir() else []:
        if entry.suffix.lstrip(".").isdigit() and len(entry.stem) == 8:
            (folder / f"system-{entry.name}.pem").write_bytes(entry.read_bytes())
    (folder / "duvo-test-ca.pem").write_bytes(ca.read_bytes())
    subprocess.run(["openssl", "rehash", str(folder)], check=True, capture_output=True)
    return folder


def slow_agent(duvo: str) -> str:
    agents = json.loads(subprocess.check_output([duvo, "sim", "agents", "--json"]))
    return next(a["id"] for a in agents if a["name"] == "slow")


class SimulatedRun:
    """`duvo sim` (of `duvo`, on a free port, no rate limit) with one slow run started: `base` and `run_id`."""

    def __init__(self, duvo: str):
        self.sim = subprocess.Popen([duvo, "sim", "--port", "0", "--rate-limit", "0", "--log-level", "error"],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        self.base = self.sim.stdout.readline().strip()
        started = subprocess.run([duvo, "runs", "start", "--agent", slow_agent(duvo), "--json"],
                                 env=environment(self.base), check=True, capture_output=True, text=True)
        self.run_id = json.loads(started.stdout)["run"]["id"]

    def __enter__(self) -> "SimulatedRun":
        return self

    def __exit__(self, *_) -> None:
        self.sim.terminate()
        self.sim.wait()


def table(r: dict) -> str:
    cli = r["cli_runs_get"]
    rows = [
        ("duvo runs get --json, http (p50)", f"{cli['http']['p50_us'] / 1000:.1f} ms"),
        ("duvo runs get --json, https, test CA (p50)", f"{cli['https']['p50_us'] / 1000:.1f} ms"),
        ("duvo runs get --json, https, system-size hashed folder (p50)",
         f"{cli['https_system_size_folder']['p50_us'] / 1000:.1f} ms"),
        ("duvo runs get --json, https, system-size bundle file (p50)",
         f"{cli['https_system_size_bundle']['p50_us'] / 1000:.1f} ms"),
        ("https / http, median of pairs (target 1.3x)", f"{cli['https_vs_http_median_of_pairs']}x"),
        ("  the same with the system-size folder / bundle file",
         f"{cli['https_system_size_folder_vs_http_median_of_pairs']}x / "
         f"{cli['https_system_size_bundle_vs_http_median_of_pairs']}x"),
        ("runs/get through duvo rpc over https (p50 / p95)",
         f"{r['bridge_https']['p50_us']:.0f} / {r['bridge_https']['p95_us']:.0f} µs"),
        ("raw keep-alive https GET (p50 / p95)",
         f"{r['raw_keepalive_https_get']['p50_us']:.0f} / {r['raw_keepalive_https_get']['p95_us']:.0f} µs"),
        ("bridge https / raw https (p50, target 2x)", f"{r['bridge_https_vs_raw_https_p50']}x"),
        ("  for comparison: bridge http / raw http (p50)",
         f"{r['bridge_http_socket']['p50_us']:.0f} / {r['raw_keepalive_http_get']['p50_us']:.0f} µs = "
         f"{r['bridge_http_vs_raw_http_p50']}x"),
        ("bridge CPU per runs/get, https / http", f"{r['bridge_https_cpu_ms_per_call']} / "
                                                  f"{r['bridge_http_socket_cpu_ms_per_call']} ms"),
        ("runs/get over http, sockets / libcurl (p50)",
         f"{r['bridge_http_socket']['p50_us']:.0f} / {r['bridge_http_curl']['p50_us']:.0f} µs"),
        ("bridge CPU per runs/get over http, sockets / libcurl", f"{r['bridge_http_socket_cpu_ms_per_call']} / "
                                                                 f"{r['bridge_http_curl_cpu_ms_per_call']} ms"),
    ]
    width = max(len(a) for a, _ in rows)
    return "\n".join(f"| {a.ljust(width)} | {b} |" for a, b in rows)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duvo", required=True)
    parser.add_argument("--pairs", type=int, default=40)
    parser.add_argument("--calls", type=int, default=2000)
    parser.add_argument("--out", default=None)
    arguments = parser.parse_args()
    outcome = main(arguments)
    print(table(outcome))
    if arguments.out:
        with open(arguments.out, "w") as f:
            json.dump(outcome, f, indent=2)
