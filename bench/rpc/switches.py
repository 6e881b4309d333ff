"""Context switches per runs/get of `duvo rpc` (all its threads), for each build, against one `duvo sim`."""
import json, subprocess, sys
from pathlib import Path

# Usage: python3 bench/rpc/switches.py BUILD [BUILD...]; the first build also runs the simulator. Threads are
# grouped by name (the cooperative pool's show as "oot.default-qos").
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "https"))
import tls

def per_thread(pid):
    out = {}
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            name = (task / "comm").read_text().strip()
            n = 0
            for line in (task / "status").read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    n += int(line.split()[1])
            out[task.name] = (name, n)
        except FileNotFoundError:
            pass
    return out

def switches(pid):
    total = 0
    for status in Path(f"/proc/{pid}/task").glob("*/status"):
        try:
            for line in status.read_text().splitlines():
                if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                    total += int(line.split()[1])
        except FileNotFoundError:
            pass
    return total

builds = sys.argv[1:]
sim = subprocess.Popen([builds[0], "sim", "--port", "0", "--rate-limit", "0", "--log-level", "error"],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
base = sim.stdout.readline().strip()
try:
    started = subprocess.run([builds[0], "runs", "start", "--agent", tls.slow_agent(builds[0]), "--json"],
                             env=tls.environment(base), check=True, capture_output=True, text=True)
    run_id = json.loads(started.stdout)["run"]["id"]
    for _ in range(2):
        for duvo in builds:
            bridge = tls.Bridge(duvo, tls.environment(base))
            for _ in range(200): bridge.get(run_id)
            s0, c0 = switches(bridge.proc.pid), bridge.cpu_seconds()
            t0 = per_thread(bridge.proc.pid)
            n = 2000
            for _ in range(n): bridge.get(run_id)
            s1, c1 = switches(bridge.proc.pid), bridge.cpu_seconds()
            t1 = per_thread(bridge.proc.pid)
            by = {}
            for tid, (name, count) in t1.items():
                by[name] = by.get(name, 0) + (count - t0.get(tid, (name, 0))[1]) / n
            print("   ", {k: round(v, 2) for k, v in by.items() if v > 0.05})
            print(f"{duvo}: {(s1 - s0) / n:.2f} context switches, {(c1 - c0) / n * 1e6:.0f} µs CPU per runs/get")
            bridge.close()
finally:
    sim.terminate(); sim.wait()
