// DuvoClient against the real `duvo rpc --simulate`: every method, follows to the end, errors, cancellation, shutdown.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";

import {
  BridgeClosed,
  Cancelled,
  DuvoClient,
  InvalidParams,
  MethodNotFound,
  NetworkError,
  NotFound,
  UpstreamError,
} from "../index.js";
import { SCHEMA_PATH, assertCompleteFollow, collect, rpcCommand, simAgents } from "../test-helpers.js";

const IDLE = { idleTimeoutMs: 30_000 };
const TERMINAL = new Set(["completed", "failed", "stopped", "interrupted"]);

async function finished(client, runId) {
  const result = await client.wait({ run_id: runId, timeout_s: 120 });
  assert.equal(result.timed_out, false);
  return result.run;
}

describe("DuvoClient", () => {
  let client;
  let agents;

  before(() => {
    agents = simAgents();
    client = new DuvoClient({ command: rpcCommand(), stderr: "ignore" });
  });

  after(async () => {
    assert.equal(await client.close(), 0, "duvo rpc exits cleanly");
  });

  test("discover answers the very schema file", async () => {
    assert.deepEqual(await client.discover(), JSON.parse(readFileSync(SCHEMA_PATH, "utf8")));
  });

  test("start, get, messages and wait on an echo run", async () => {
    const { run, subscription } = await client.start({ agent_id: agents.echo, message: "hello from node" });
    assert.equal(run.agent_id, agents.echo);
    assert.equal(subscription, undefined);
    assert.equal((await client.get({ run_id: run.id })).run.id, run.id);
    assert.equal((await finished(client, run.id)).status, "completed");

    const all = await client.messages({ run_id: run.id, all: true });
    assert.equal(all.total, all.messages.length);
    assert.ok(all.messages.some((m) => (m.text_content ?? "").includes("hello from node")));
    const page = await client.messages({ run_id: run.id, limit: 1, offset: 1 });
    assert.deepEqual(page.messages, all.messages.slice(1, 2));
  });

  test("sendMessage, respond and stop", async () => {
    const { run } = await client.start({ agent_id: agents.approval });
    const waited = await client.wait({ run_id: run.id, until: "attention", timeout_s: 120 });
    assert.equal(waited.run.status, "waiting");
    assert.equal(waited.pending_human_request.type, "approval");
    const answered = await client.respond({ run_id: run.id, approved: true });
    assert.equal(answered.human_request.id, waited.pending_human_request.id);
    assert.equal((await finished(client, run.id)).status, "completed");

    const slow = (await client.start({ agent_id: agents.slow })).run;
    const sent = await client.sendMessage({ run_id: slow.id, message: "a note for a busy run" });
    assert.equal(sent.message.text_content, "a note for a busy run");
    const stored = (await client.messages({ run_id: slow.id, all: true })).messages;
    assert.ok(stored.some((m) => m.id === sent.message.id));
    assert.equal((await client.stop({ run_id: slow.id })).success, true);
    assert.equal((await finished(client, slow.id)).status, "stopped");
  });

  test("list and stats agree", async () => {
    await finished(client, (await client.start({ agent_id: agents.failing })).run.id);
    const listed = await client.list({ all: true });
    assert.equal(listed.total, listed.data.length);
    const stats = await client.stats({});
    assert.equal(stats.counted, listed.data.length);
    const counts = {};
    for (const run of listed.data) counts[run.status] = (counts[run.status] ?? 0) + 1;
    assert.deepEqual(stats.counts, counts);
    const terminal = listed.data.filter((r) => TERMINAL.has(r.status)).length;
    assert.equal(stats.failure_rate, (counts.failed ?? 0) / terminal);

    const failed = await client.list({ agent_id: agents.failing, status: "failed" });
    assert.ok(failed.data.length >= 1 && failed.data.every((r) => r.status === "failed"));
  });

  test("start with follow streams every message, then the end", async () => {
    const { run, subscription } = await client.start({ agent_id: agents.echo, message: "follow me", follow: true });
    const delivered = assertCompleteFollow(await collect(client.events(subscription, IDLE)), run.id);
    assert.deepEqual(delivered, (await client.messages({ run_id: run.id, all: true })).messages);
  });

  test("follow of a finished run replays it from an offset", async () => {
    const { run } = await client.start({ agent_id: agents.echo });
    await finished(client, run.id);
    const all = (await client.messages({ run_id: run.id, all: true })).messages;
    assert.deepEqual(assertCompleteFollow(await collect(client.follow({ run_id: run.id }, IDLE)), run.id), all);
    const skipped = await collect(client.follow({ run_id: run.id, offset: 1 }, IDLE));
    assert.deepEqual(assertCompleteFollow(skipped, run.id, 1), all.slice(1));
  });

  test("breaking out of a follow unfollows", async () => {
    const { run } = await client.start({ agent_id: agents.slow });
    const follow = client.follow({ run_id: run.id }, IDLE);
    for await (const event of follow) {
      assert.equal(event.run_id, run.id);
      break;
    }
    assert.equal((await client.unfollow({ subscription: follow.subscription })).success, false);
    await client.stop({ run_id: run.id });
  });

  test("an unknown run rejects with NotFound", async () => {
    await assert.rejects(client.get({ run_id: randomUUID() }), (error) => {
      assert.ok(error instanceof NotFound && error instanceof UpstreamError);
      assert.equal(error.code, -31003);
      assert.equal(error.httpStatus, 404);
      assert.equal(error.outcomeUnknown, false);
      assert.equal(error.check, undefined);
      return true;
    });
  });

  test("wrong params reject with InvalidParams naming the field", async () => {
    await assert.rejects(client.call("runs/get", { run_id: 42 }), (error) => {
      assert.ok(error instanceof InvalidParams);
      assert.equal(error.field, "run_id");
      return true;
    });
    await assert.rejects(client.call("runs/teleport", {}), MethodNotFound);
  });

  test("aborting a call cancels it on the server", async () => {
    const { run } = await client.start({ agent_id: agents.slow });
    const controller = new AbortController();
    const waiting = client.wait({ run_id: run.id }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    await assert.rejects(waiting, (error) => error instanceof Cancelled && error.code === -32800);
    assert.equal((await client.get({ run_id: run.id })).run.id, run.id);
    await client.stop({ run_id: run.id });
  });
});

describe("shutdown", () => {
  test("close exits 0, ends open follows, and later calls reject with BridgeClosed", async () => {
    const agents = simAgents();
    const client = new DuvoClient({ command: rpcCommand(), stderr: "ignore" });
    const { run } = await client.start({ agent_id: agents.slow });
    const follow = client.follow({ run_id: run.id }, IDLE);
    await follow.next();
    assert.equal(await client.close(), 0);
    const rest = await collect(follow);
    assert.equal(rest.at(-1).kind, "followEnded");
    assert.equal(rest.at(-1).reason, "shutdown");
    await assert.rejects(client.discover(), BridgeClosed);
  });

  test("the simulate option builds the command", async () => {
    const [bin] = rpcCommand();
    // --simulate uses a shared simulator: here one of the test's own, in a runtime directory of its own.
    const runtime = mkdtempSync(join(tmpdir(), "duvo-rt-"));
    const env = { DUVO_RUNTIME_DIR: runtime };
    try {
      const client = new DuvoClient({ command: [bin, "rpc"], simulate: true, simSpeed: 50, stderr: "ignore", env });
      assert.equal((await client.discover()).openrpc, "1.3.2");
      assert.equal(await client.close(), 0);
    } finally {
      spawnSync(bin, ["sim", "stop"], { env: { ...process.env, ...env }, stdio: "ignore" });
      rmSync(runtime, { recursive: true, force: true });
    }
  });
});

describe("errors", () => {
  test("a write whose outcome is unknown says so and how to check", () => {
    const error = new NetworkError(-31007, "start run: lost", { outcome_unknown: true, check: "runs/list" });
    assert.ok(error instanceof UpstreamError);
    assert.equal(error.outcomeUnknown, true);
    assert.equal(error.check, "runs/list");
  });
});
