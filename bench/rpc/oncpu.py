"""CPU time per runs/get of `duvo rpc` (user and kernel, all its threads, in nanoseconds from
/proc/<pid>/task/*/schedstat rather than clock ticks), and its context switches, builds alternated round by round.

    python3 bench/rpc/oncpu.py ROUNDS BUILD [BUILD...]

The first build also runs the simulator; ratios are to the first build.
"""
import statistics, sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "https"))
import tls  # noqa: E402

def per_task(pid, read):
    total = 0
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            total += read(task)
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total

def on_cpu(task):
    return int((task / "schedstat").read_text().split()[0])

def switches(task):
    return sum(int(line.split()[1]) for line in (task / "status").read_text().splitlines()
               if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))

def main():
    rounds, builds = int(sys.argv[1]), sys.argv[2:]
    cpu = {b: [] for b in builds}
    switched = {b: [] for b in builds}
    with tls.SimulatedRun(builds[0]) as sim:
        for number in range(rounds):
            for build in builds:
                bridge = tls.Bridge(build, tls.environment(sim.base))
                for _ in range(300):
                    bridge.get(sim.run_id)
                pid, calls = bridge.proc.pid, 2000
                c0, s0 = per_task(pid, on_cpu), per_task(pid, switches)
                for _ in range(calls):
                    bridge.get(sim.run_id)
                cpu[build].append((per_task(pid, on_cpu) - c0) / calls / 1000)
                switched[build].append((per_task(pid, switches) - s0) / calls)
                bridge.close()
            print(f"round {number + 1}: " + "; ".join(
                f"{Path(b).name} {cpu[b][-1]:.1f} µs {switched[b][-1]:.2f} switches" for b in builds), flush=True)
    first = statistics.median(cpu[builds[0]])
    for build in builds:
        median = statistics.median(cpu[build])
        print(f"{build}: median {median:.1f} µs on CPU per runs/get ({median / first:.2f}x the first), "
              f"{statistics.median(switched[build]):.2f} context switches")

if __name__ == "__main__":
    main()
