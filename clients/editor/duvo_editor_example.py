#!/usr/bin/env python3
"""Drive `duvo rpc` the way an editor extension does: one long-lived process, LSP-style Content-Length framing,
requests as futures, notifications dispatched by method name, and the LSP `shutdown` / `exit` handshake at the end.

The JSON-RPC layer is pylsp-jsonrpc (`pip install python-lsp-jsonrpc`), the one under the Python LSP server, so this
is the same code path as an editor plugin built on it; VS Code's vscode-jsonrpc and Neovim's vim.lsp.rpc frame their
messages the same way. `duvo rpc` detects the framing from the first bytes, so no flag is needed.

    python3 duvo_editor_example.py --simulate --agent-name echo --message "hello"

prints "duvo-bridge <version>, <n> methods", the run's id, "status: <status>" and "[<index>] <role>: <text>" lines
as the run progresses, and "finished: <status>" and "duvo exited with 0" at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import Future
from typing import Any, Callable, Dict, List, Optional

from pylsp_jsonrpc.endpoint import Endpoint
from pylsp_jsonrpc.streams import JsonRpcStreamReader, JsonRpcStreamWriter

Handler = Callable[[Any], None]


class DuvoSession:
    """One `duvo rpc` process spoken to with Content-Length frames, as an editor extension would hold it.

    `request(method, params)` returns a concurrent.futures.Future (cancelling it sends $/cancelRequest); notifications
    go to the handlers in `on`, keyed by method name, on the reader thread in arrival order.
    """

    def __init__(self, command: List[str], env: Optional[Dict[str, str]] = None) -> None:
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env)
        assert self.process.stdin is not None and self.process.stdout is not None
        self.on: Dict[str, Handler] = {}
        self._writer = JsonRpcStreamWriter(self.process.stdin)
        self._endpoint = Endpoint(_Dispatcher(self.on), self._writer.write)
        self._reader = JsonRpcStreamReader(self.process.stdout)
        self._thread = threading.Thread(target=self._reader.listen, args=(self._endpoint.consume,), daemon=True)
        self._thread.start()

    def request(self, method: str, params: Optional[Dict[str, Any]] = None) -> Future[Any]:
        """Sends a request; returns its Future (result, or a JsonRpcException carrying code, message and data)."""
        return self._endpoint.request(method, params if params is not None else {})

    def shutdown(self, timeout: float = 10) -> int:
        """The LSP handshake: `shutdown` (answered once in-flight work is done), then `exit`; returns the exit code."""
        self.request("shutdown").result(timeout)
        self._endpoint.notify("exit")
        self._writer.close()
        code = self.process.wait(timeout)
        self._endpoint.shutdown()
        return code


class _Dispatcher(dict):
    """Notification handlers by method name; unknown notifications are ignored, as LSP clients do."""

    def __init__(self, handlers: Dict[str, Handler]) -> None:
        super().__init__()
        self._handlers = handlers

    def __getitem__(self, method: str) -> Handler:
        return self._handlers.get(method, lambda params: None)


def message_line(params: Dict[str, Any]) -> str:
    """"[index] role: text" for a runs/message notification."""
    message = params["message"]
    text = message.get("text_content")
    if text is None and message.get("tool_call"):
        text = f"called {message['tool_call'].get('name')}"
    return f"[{params['index']}] {message.get('role')}: {text if text is not None else message.get('type')}"


def agent_id(duvo: str, name: str) -> str:
    """A simulator agent's id, from `duvo sim agents --json`."""
    listing = json.loads(subprocess.run([duvo, "sim", "agents", "--json"], check=True, capture_output=True,
                                        text=True).stdout)
    if isinstance(listing, dict):
        listing = next((v for v in listing.values() if isinstance(v, list)), [])
    for agent in listing:
        if agent.get("name") == name:
            return str(agent["id"])
    raise SystemExit(f"the simulator has no agent {name!r}")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--simulate", action="store_true", help="use duvo's embedded simulator (no API key)")
    parser.add_argument("--sim-speed", help="simulator speed factor")
    parser.add_argument("--agent", help="the agent id to start")
    parser.add_argument("--agent-name", default="echo", help="a simulator agent, looked up by name (default: echo)")
    parser.add_argument("--message", help="the run's first message")
    args = parser.parse_args(argv)

    duvo = os.environ.get("DUVO_BIN") or "duvo"
    command = [duvo, "rpc"] + (["--simulate"] if args.simulate else [])
    command += ["--sim-speed", args.sim_speed] if args.sim_speed else []
    agent = args.agent or agent_id(duvo, args.agent_name)

    session = DuvoSession(command)
    ended = threading.Event()
    final: Dict[str, Any] = {}

    def on_ended(params: Dict[str, Any]) -> None:
        final.update(params)
        ended.set()

    # A subscription's notifications can arrive before the answer that names it (runs/start with follow): hold them
    # until that answer is in, then print them in arrival order, as an editor would queue them for its view.
    lock = threading.Lock()
    held: List[str] = []
    started_answered = False

    def show(line: str) -> None:
        with lock:
            if not started_answered:
                held.append(line)
                return
        print(line, flush=True)

    session.on["runs/message"] = lambda params: show(message_line(params))
    session.on["runs/status"] = lambda params: show(f"status: {params['status']}")
    session.on["runs/followEnded"] = on_ended

    document = session.request("rpc.discover").result(30)
    print(f"{document['info']['title']} {document['info']['version']}, {len(document['methods'])} methods")

    params: Dict[str, Any] = {"agent_id": agent, "follow": True}
    if args.message:
        params["message"] = args.message
    started = session.request("runs/start", params).result(30)
    print(f"run {started['run']['id']}", flush=True)
    with lock:
        started_answered = True
        for line in held:
            print(line, flush=True)
        held.clear()

    if not ended.wait(300):
        print("the run did not end in time", file=sys.stderr)
    print(f"finished: {final.get('status')}")
    code = session.shutdown()
    print(f"duvo exited with {code}")
    return 0 if code == 0 and final.get("reason") == "terminal" else 1


if __name__ == "__main__":
    sys.exit(main())
