"""Instructions per runs/get of `duvo rpc` under callgrind, for each build, against one `duvo sim`: repeatable on a
noisy machine (user space only: the kernel's share, context switches included, is not counted; see oncpu.py).

    python3 bench/rpc/instructions.py BUILD [BUILD...]

Each build serves 100 and then 600 sequential calls; the figure is the difference over 500, so start-up cancels out.
The first build also runs the simulator. valgrind 3.19 dies in libdispatch's `sigsuspend` (it writes into the mask,
which libdispatch keeps read-only), so a tiny preload that passes a copy is built with cc first.
"""
import io, json, re, subprocess, sys, tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "https"))
import tls  # noqa: E402

SHIM = r"""
#define _GNU_SOURCE
#include <signal.h>
#include <unistd.h>
#include <sys/syscall.h>
int sigsuspend(const sigset_t *mask) { sigset_t copy = *mask; return syscall(SYS_rt_sigsuspend, &copy, 8); }
"""

def collected(build, env, run_id, calls, work):
    out = work / f"callgrind.{calls}"
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", build, "rpc",
                             "--log-level", "error"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, bufsize=0)
    answers = io.BufferedReader(proc.stdout)
    for n in range(calls):
        proc.stdin.write((json.dumps({"jsonrpc": "2.0", "id": n + 1, "method": "runs/get",
                                      "params": {"run_id": run_id}}) + "\n").encode())
        assert "result" in json.loads(answers.readline())
    proc.stdin.close()
    err = proc.stderr.read().decode()
    proc.wait()
    return int(re.search(r"Collected : (\d+)", err).group(1))

def main():
    builds = sys.argv[1:]
    work = Path(tempfile.mkdtemp(prefix="duvo-callgrind-"))
    (work / "shim.c").write_text(SHIM)
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", str(work / "shim.c"), "-o", str(work / "shim.so")], check=True)
    with tls.SimulatedRun(builds[0]) as sim:
        env = tls.environment(sim.base, LD_PRELOAD=str(work / "shim.so"))
        for build in builds:
            few, many = (collected(build, env, sim.run_id, n, work) for n in (100, 600))
            print(f"{build}: {(many - few) / 500:.0f} instructions per runs/get", flush=True)

if __name__ == "__main__":
    main()
