// duvo-bridge for Node: drive Duvo agent runs through a `duvo rpc` child process (JSON-RPC 2.0, NDJSON over pipes).
// No dependencies; Node 18+. Params and results use Duvo's snake_case wire names, as in schema/openrpc.json.
import { spawn } from "node:child_process";
import { accessSync, constants as fsConstants } from "node:fs";
import { fileURLToPath } from "node:url";

/** Statuses after which a run no longer changes. Any other status, known or not, is not terminal. */
export const TERMINAL_STATUSES = Object.freeze(new Set(["completed", "failed", "stopped", "interrupted"]));

const EXIT_GRACE_MS = 5000;
const CANCEL_GRACE_MS = 5000;

// MARK: errors

/** An error answered by `duvo rpc`: `code` (JSON-RPC), `message` (says what to do), `data` (object or undefined). */
export class DuvoError extends Error {
  constructor(code, message, data) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.data = data;
  }

  /** Duvo's HTTP status, when the error came from a Duvo answer. */
  get httpStatus() {
    return typeof this.data?.http_status === "number" ? this.data.http_status : undefined;
  }
}

const errorClass = (code, parent = DuvoError) => {
  const cls = class extends parent {};
  cls.code = code;
  return cls;
};

export class ParseError extends errorClass(-32700) {}
export class InvalidRequest extends errorClass(-32600) {}
export class MethodNotFound extends errorClass(-32601) {}
/** -32602; `field` names the offending param. */
export class InvalidParams extends errorClass(-32602) {
  get field() {
    return typeof this.data?.field === "string" ? this.data.field : undefined;
  }
}
export class InternalError extends errorClass(-32603) {}
export class Cancelled extends errorClass(-32800) {}
/** -31000, and the parent of every error from Duvo or the way to it. */
export class UpstreamError extends errorClass(-31000) {
  /** True when a write may have reached Duvo but its answer was lost and its effect was not found: see `check`. */
  get outcomeUnknown() {
    return this.data?.outcome_unknown === true;
  }

  /** How to find out whether a write whose outcome is unknown happened. */
  get check() {
    return typeof this.data?.check === "string" ? this.data.check : undefined;
  }
}
export class Unauthorized extends errorClass(-31001, UpstreamError) {}
export class Forbidden extends errorClass(-31002, UpstreamError) {}
export class NotFound extends errorClass(-31003, UpstreamError) {}
export class Rejected extends errorClass(-31004, UpstreamError) {}
/** -31005; `retryAfterS` says when to try again. */
export class RateLimited extends errorClass(-31005, UpstreamError) {
  get retryAfterS() {
    return typeof this.data?.retry_after_s === "number" ? this.data.retry_after_s : undefined;
  }
}
export class UpstreamUnavailable extends errorClass(-31006, UpstreamError) {}
export class NetworkError extends errorClass(-31007, UpstreamError) {}
export class UpstreamTimeout extends errorClass(-31008, UpstreamError) {}
export class NotConfigured extends errorClass(-31009) {}
export class Unsupported extends errorClass(-31010) {}
/** -31011: the bridge follows as many runs as it may at once (`data.limit`); unfollow some first. */
export class TooManyFollows extends errorClass(-31011) {}

/** The `duvo` process exited or closed its output: no answer will come. */
export class BridgeClosed extends Error {
  constructor(message, exitCode) {
    super(message);
    this.name = "BridgeClosed";
    this.exitCode = exitCode;
  }
}

const ERROR_CLASSES = new Map(
  [
    ParseError, InvalidRequest, MethodNotFound, InvalidParams, InternalError, Cancelled, UpstreamError, Unauthorized,
    Forbidden, NotFound, Rejected, RateLimited, UpstreamUnavailable, NetworkError, UpstreamTimeout, NotConfigured,
    Unsupported, TooManyFollows,
  ].map((cls) => [cls.code, cls]),
);

/** The error for a JSON-RPC error object: the class of its code, or DuvoError for a code this client does not know. */
export function errorFromObject(error) {
  const code = Number.isInteger(error?.code) ? error.code : -32603;
  const message = typeof error?.message === "string" ? error.message : "error without a message";
  const Cls = ERROR_CLASSES.get(code) ?? DuvoError;
  return new Cls(code, message, error?.data);
}

// MARK: follow events

const EVENT_KINDS = {
  "runs/message": "message", "runs/status": "status", "runs/followStalled": "followStalled",
  "runs/followRecovered": "followRecovered", "runs/followEnded": "followEnded",
};

function eventFrom(method, params) {
  const kind = EVENT_KINDS[method];
  if (kind === undefined) return undefined;
  const event = { kind, ...params };
  if ((kind === "followEnded" || kind === "followStalled") && params.error !== undefined) {
    event.error = errorFromObject(params.error);
  }
  return event;
}

/** A FIFO of one subscription's notifications, awaited one at a time. */
class Inbox {
  items = [];
  waiters = [];
  sawEnd = false;

  put(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  take(timeoutMs) {
    if (this.items.length > 0) return Promise.resolve(this.items.shift());
    return new Promise((resolve, reject) => {
      let timer;
      const waiter = (item) => {
        clearTimeout(timer);
        resolve(item);
      };
      this.waiters.push(waiter);
      if (timeoutMs !== undefined) {
        timer = setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(Object.assign(new Error(`no follow event within ${timeoutMs} ms`), { name: "TimeoutError" }));
        }, timeoutMs);
      }
    });
  }
}

/**
 * The events of one follow, as an async iterator: message and status events, then followEnded, then done.
 * runs/follow is sent on first use (or `await start()`); leaving a `for await` early unfollows.
 */
export class Follow {
  #client;
  #runId;
  #offset;
  #inbox;
  #ended = false;

  constructor(client, { runId, offset = 0, subscription, idleTimeoutMs }) {
    this.#client = client;
    this.#runId = runId;
    this.#offset = offset;
    this.subscription = subscription;
    this.idleTimeoutMs = idleTimeoutMs;
    if (subscription !== undefined) this.#inbox = client._inbox(subscription);
  }

  /** Sends runs/follow if it was not sent yet; resolves to the subscription. */
  async start() {
    if (this.#inbox === undefined) {
      const { subscription } = await this.#client.call("runs/follow", { run_id: this.#runId, offset: this.#offset });
      this.subscription = subscription;
      this.#inbox = this.#client._inbox(subscription);
    }
    return this.subscription;
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  async next() {
    if (this.#ended) return { done: true, value: undefined };
    await this.start();
    for (;;) {
      const item = await this.#inbox.take(this.idleTimeoutMs);
      if (item instanceof BridgeClosed) {
        this.#ended = true;
        throw item;
      }
      const event = eventFrom(item.method, item.params);
      if (event === undefined) continue;
      if (event.kind === "followEnded") {
        this.#ended = true;
        this.#client._finished(this.subscription);
      }
      return { done: false, value: event };
    }
  }

  /** Stops following (runs/unfollow) unless the follow already ended or never started. */
  async return() {
    if (!this.#ended) {
      this.#ended = true;
      if (this.subscription !== undefined) {
        this.#client._discard(this.subscription);
        if (this.#client.exitCode === null) {
          await this.#client.unfollow({ subscription: this.subscription }).catch(() => {});
        }
      }
    }
    return { done: true, value: undefined };
  }
}

// MARK: the client

/**
 * Drives Duvo runs through a `duvo rpc` child process.
 *
 * Options: `command` (argv; default [$DUVO_BIN, else the packaged bin/duvo, else "duvo" from PATH, "rpc"]),
 * `simulate` (adds --simulate), `simSpeed`
 * (--sim-speed), `args` (appended), `env` (overrides; undefined removes a variable), `stderr` ("inherit", "ignore" or
 * a stream/fd for the process log), `onNotification(method, params)` (sees every notification).
 * Call `close()` when done: stdin is closed, the process gets a few seconds to exit, then it is killed.
 */
export class DuvoClient {
  #child;
  #buffer = "";
  #nextId = 1;
  #pending = new Map();
  #inboxes = new Map();
  #discarded = new Set();
  #closed;
  #exited;
  #onNotification;

  constructor(options = {}) {
    const argv = buildCommand(options);
    this.#onNotification = options.onNotification;
    this.#child = spawn(argv[0], argv.slice(1), {
      stdio: ["pipe", "pipe", options.stderr ?? "inherit"],
      env: buildEnv(options.env),
    });
    this.#exited = new Promise((resolve) => {
      this.#child.once("close", (code) => resolve(code));
      this.#child.once("error", (error) => {
        this.#shut(new BridgeClosed(`cannot run ${argv[0]}: ${error.message} (set DUVO_BIN or pass command)`, null));
        resolve(null);
      });
    });
    this.#child.stdin.on("error", () => {}); // a closed pipe surfaces as BridgeClosed on the next call instead
    this.#child.stdout.setEncoding("utf8");
    this.#child.stdout.on("data", (chunk) => this.#receive(chunk));
    this.#child.stdout.once("end", () => {
      this.#exited.then((code) => this.#shut(new BridgeClosed("duvo rpc closed its output", code)));
    });
  }

  /** The process's exit code once it has exited, else null. */
  get exitCode() {
    return this.#child.exitCode;
  }

  /** Closes stdin, waits up to `timeoutMs` for the process to exit (then kills it); resolves to its exit code. */
  async close({ timeoutMs = EXIT_GRACE_MS } = {}) {
    this.#child.stdin.end();
    let timer;
    const timedOut = new Promise((resolve) => (timer = setTimeout(() => resolve("timeout"), timeoutMs)));
    if ((await Promise.race([this.#exited, timedOut])) === "timeout") {
      this.#child.kill("SIGTERM");
      setTimeout(() => this.#child.kill("SIGKILL"), 2000).unref();
    }
    clearTimeout(timer);
    return this.#exited;
  }

  /** runs/follow as an async iterator of events: `for await (const event of client.follow({ run_id }))`. */
  follow(params, { idleTimeoutMs } = {}) {
    return new Follow(this, { runId: params.run_id, offset: params.offset ?? 0, idleTimeoutMs });
  }

  /** The events of a subscription from `start({ ..., follow: true })`, including those already received. */
  events(subscription, { idleTimeoutMs } = {}) {
    return new Follow(this, { subscription, idleTimeoutMs });
  }

  /**
   * Calls any method. Rejects with the DuvoError subclass of an error answer. `signal` (AbortSignal) or `timeoutMs`
   * cancel the request on the server ($/cancelRequest); it then rejects with its answer, usually Cancelled.
   */
  call(method, params = {}, { signal, timeoutMs } = {}) {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const cleanups = [];
      const settle = (fn) => (value) => {
        this.#pending.delete(id);
        for (const cleanup of cleanups) cleanup();
        fn(value);
      };
      this.#pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
      const cancel = () => {
        this.#write({ jsonrpc: "2.0", method: "$/cancelRequest", params: { id } });
        const grace = setTimeout(() => {
          this.#pending.get(id)?.reject(
            Object.assign(new Error(`${method} got no answer even after cancelling it`), { name: "TimeoutError" }),
          );
        }, CANCEL_GRACE_MS);
        cleanups.push(() => clearTimeout(grace));
      };
      if (signal) {
        if (signal.aborted) queueMicrotask(cancel);
        signal.addEventListener("abort", cancel, { once: true });
        cleanups.push(() => signal.removeEventListener("abort", cancel));
      }
      if (timeoutMs !== undefined) {
        const timer = setTimeout(cancel, timeoutMs);
        cleanups.push(() => clearTimeout(timer));
      }
      this.#write({ jsonrpc: "2.0", id, method, params });
    });
  }

  // Used by Follow: the inbox of a subscription, made on first sight so early notifications are kept.
  _inbox(subscription) {
    let inbox = this.#inboxes.get(subscription);
    if (inbox === undefined) {
      inbox = new Inbox();
      this.#inboxes.set(subscription, inbox);
      if (this.#closed) inbox.put(this.#closed);
    }
    return inbox;
  }

  _finished(subscription) {
    this.#inboxes.delete(subscription);
  }

  _discard(subscription) {
    const inbox = this.#inboxes.get(subscription);
    this.#inboxes.delete(subscription);
    if (!inbox?.sawEnd && !this.#closed) this.#discarded.add(subscription);
  }

  #write(message) {
    if (this.#closed || !this.#child.stdin.writable) {
      const error = this.#closed ?? new BridgeClosed("duvo rpc is not accepting requests", this.exitCode);
      if (message.id !== undefined) this.#pending.get(message.id)?.reject(error);
      return;
    }
    this.#child.stdin.write(`${JSON.stringify(message)}\n`);
  }

  #receive(chunk) {
    this.#buffer += chunk;
    let newline;
    while ((newline = this.#buffer.indexOf("\n")) >= 0) {
      const line = this.#buffer.slice(0, newline);
      this.#buffer = this.#buffer.slice(newline + 1);
      if (line.trim() !== "") this.#frame(line);
    }
  }

  #frame(line) {
    let value;
    try {
      value = JSON.parse(line);
    } catch {
      process.emitWarning(`duvo-bridge: ignoring a line that is not JSON: ${line.slice(0, 200)}`);
      return;
    }
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item?.method !== undefined && item.id === undefined) this.#notify(item.method, item.params);
      else if (item?.error !== undefined) this.#pending.get(item.id)?.reject(errorFromObject(item.error));
      else if (item && "result" in item) this.#pending.get(item.id)?.resolve(item.result);
    }
  }

  #notify(method, params) {
    try {
      this.#onNotification?.(method, params);
    } catch (error) {
      process.emitWarning(`duvo-bridge: onNotification threw: ${error}`);
    }
    const subscription = params?.subscription;
    if (typeof subscription !== "string") return;
    const ended = method === "runs/followEnded";
    if (this.#discarded.has(subscription)) {
      if (ended) this.#discarded.delete(subscription);
      return;
    }
    const inbox = this._inbox(subscription);
    if (ended) inbox.sawEnd = true;
    inbox.put({ method, params });
  }

  #shut(error) {
    if (this.#closed) return;
    this.#closed = error;
    for (const { reject } of [...this.#pending.values()]) reject(error);
    for (const inbox of this.#inboxes.values()) inbox.put(error);
    this.#discarded.clear();
  }
}

/** The promise methods, by JS name: each sends its wire method with the params object as given (see index.d.ts). */
export const METHODS = Object.freeze({
  start: "runs/start",
  get: "runs/get",
  messages: "runs/messages",
  sendMessage: "runs/sendMessage",
  respond: "runs/respond",
  stop: "runs/stop",
  list: "runs/list",
  wait: "runs/wait",
  unfollow: "runs/unfollow",
  stats: "runs/stats",
  discover: "rpc.discover",
});

for (const [name, method] of Object.entries(METHODS)) {
  Object.defineProperty(DuvoClient.prototype, name, {
    value: function (params = {}, options = {}) {
      return this.call(method, params, options);
    },
    writable: true,
    configurable: true,
  });
}

/**
 * The `duvo` the npm package of this client carries (`bin/duvo` beside this file, also its `bin` entry), or null when
 * there is none (a source checkout). Found beside this file, not on PATH, so a local install uses its own binary.
 */
function bundledBinary() {
  const path = fileURLToPath(new URL("./bin/duvo", import.meta.url));
  try {
    accessSync(path, fsConstants.X_OK);
    return path;
  } catch {
    return null;
  }
}

function buildCommand({ command, simulate = false, simSpeed, args = [] }) {
  const argv = command ? [...command] : [process.env.DUVO_BIN || bundledBinary() || "duvo", "rpc"];
  if (simulate) argv.push("--simulate");
  if (simSpeed !== undefined) argv.push("--sim-speed", String(simSpeed));
  return [...argv, ...args];
}

function buildEnv(overrides) {
  if (overrides === undefined) return process.env;
  const env = { ...process.env };
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined || value === null) delete env[key];
    else env[key] = value;
  }
  return env;
}
