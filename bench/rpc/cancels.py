"""A flood of cancellations for ids nobody uses, with many requests under way: does the server keep answering?

Usage: python3 bench/rpc/cancels.py BUILD [BUILD...] [--waits N] [--cancels N]

For each build, one `duvo rpc --simulate=private` (its own simulator, its own runtime directory) gets N `runs/wait`
requests on an "approval" run (they stay under way), then a burst of `notifications/cancelled` for unknown ids and
one request after it. The time to that request's answer is compared with the same burst with no wait under way,
measured in the same process: the ratio shows whether a cancellation costs more the more requests are under way.
"""
import argparse, json, os, subprocess, tempfile, threading, time



class Bridge:
    def __init__(self, duvo: str, home: str):
        env = dict(os.environ, HOME=home, XDG_RUNTIME_DIR=home, DUVO_RUNTIME_DIR=home)
        self.proc = subprocess.Popen([duvo, "rpc", "--simulate=private", "--log-level", "error"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     env=env)
        self.answers: dict = {}
        self.lock = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        for line in self.proc.stdout:
            message = json.loads(line)
            if isinstance(message, dict) and "id" in message:
                with self.lock:
                    self.answers[message["id"]] = message
                    self.lock.notify_all()

    def send(self, blob: bytes):
        self.proc.stdin.write(blob)
        self.proc.stdin.flush()

    def answer(self, request_id: str, timeout: float = 600):
        with self.lock:
            if not self.lock.wait_for(lambda: request_id in self.answers, timeout):
                raise SystemExit(f"no answer to {request_id} in {timeout} s")
            return self.answers[request_id]

    def close(self):
        self.proc.stdin.close()
        self.proc.terminate()
        self.proc.wait()


def frame(message: dict) -> bytes:
    return (json.dumps(message) + "\n").encode()


def flood(bridge: Bridge, cancels: int, tag: str) -> float:
    blob = b"".join(frame({"jsonrpc": "2.0", "method": "notifications/cancelled",
                           "params": {"requestId": f"{tag}-{i}"}}) for i in range(cancels))
    started = time.monotonic()
    bridge.send(blob + frame({"jsonrpc": "2.0", "id": f"{tag}-after", "method": "rpc.discover"}))
    bridge.answer(f"{tag}-after")
    return time.monotonic() - started


def measure(duvo: str, waits: int, cancels: int) -> tuple[float, float]:
    agents = json.loads(subprocess.check_output([duvo, "sim", "agents", "--json"]))
    approval = next(a["id"] for a in agents if a["name"] == "approval")
    with tempfile.TemporaryDirectory() as home:
        os.chmod(home, 0o700)
        bridge = Bridge(duvo, home)
        try:
            bridge.send(frame({"jsonrpc": "2.0", "id": "start", "method": "runs/start",
                               "params": {"agent_id": approval}}))
            run_id = bridge.answer("start")["result"]["run"]["id"]
            alone = flood(bridge, cancels, "alone")
            bridge.send(b"".join(frame({"jsonrpc": "2.0", "id": f"w{i}", "method": "runs/wait",
                                        "params": {"run_id": run_id, "timeout_s": 600}}) for i in range(waits)))
            time.sleep(3)  # every wait under way
            crowded = flood(bridge, cancels, "crowded")
            return alone, crowded
        finally:
            bridge.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("builds", nargs="+")
    parser.add_argument("--waits", type=int, default=4000)
    parser.add_argument("--cancels", type=int, default=100_000)
    args = parser.parse_args()
    for build in args.builds:
        alone, crowded = measure(build, args.waits, args.cancels)
        print(f"{build}: {args.cancels} cancellations answered-after in {alone:.2f} s with nothing under way, "
              f"{crowded:.2f} s with {args.waits} waits under way: {crowded / alone:.2f}x")


if __name__ == "__main__":
    main()
