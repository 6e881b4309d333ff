// What the tests in test/ share: the built binary, the simulator's agents, and the promises a follow makes.
// (Kept out of test/, where `node --test` would run it as a test file.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const SCHEMA_PATH = join(REPO_ROOT, "schema", "openrpc.json");

/** The `duvo` binary under test: env DUVO_BIN, default <repo root>/.build/debug/duvo. */
export function duvoBin() {
  const path = process.env.DUVO_BIN || join(REPO_ROOT, ".build", "debug", "duvo");
  try {
    accessSync(path, constants.X_OK);
  } catch {
    throw new Error(`no duvo binary at ${path}: run \`swift build\` first, or point DUVO_BIN at one`);
  }
  return path;
}

/** `duvo rpc` against the embedded simulator, fast enough that a run takes well under a second. */
export function rpcCommand() {
  return [duvoBin(), "rpc", "--simulate=private", "--sim-speed", "50"];
}

let agents;
/** Simulator agent name -> id, from `duvo sim agents --json`. */
export function simAgents() {
  if (agents === undefined) {
    let value = JSON.parse(execFileSync(duvoBin(), ["sim", "agents", "--json"], { encoding: "utf8" }));
    if (!Array.isArray(value)) value = Object.values(value).find(Array.isArray) ?? [];
    agents = Object.fromEntries(value.map((agent) => [agent.name, agent.id]));
  }
  return agents;
}

/** Every event of a follow, until it ends. */
export async function collect(follow) {
  const events = [];
  for await (const event of follow) events.push(event);
  return events;
}

/**
 * Asserts a follow that ran to the run's end kept every promise (each message once, in order, from `offset`; all
 * messages before the terminal status; followEnded last) and returns the messages it delivered.
 */
export function assertCompleteFollow(events, runId, offset = 0) {
  assert.ok(events.length > 0);
  assert.deepEqual(new Set(events.map((e) => e.run_id)), new Set([runId]));
  assert.equal(new Set(events.map((e) => e.subscription)).size, 1);
  const last = events.at(-1);
  assert.equal(last.kind, "followEnded");
  assert.equal(events.filter((e) => e.kind === "followEnded").length, 1);

  const messages = events.filter((e) => e.kind === "message");
  assert.deepEqual(messages.map((m) => m.index), messages.map((_, i) => offset + i));

  const statuses = events.filter((e) => e.kind === "status");
  assert.ok(statuses.length > 0);
  assert.equal(statuses[0].previous_status, null);
  for (let i = 1; i < statuses.length; i++) assert.equal(statuses[i].previous_status, statuses[i - 1].status);
  const final = statuses.at(-1);
  assert.ok(["completed", "failed", "stopped", "interrupted"].includes(final.status));
  const lastMessageAt = messages.length ? events.indexOf(messages.at(-1)) : -1;
  assert.ok(events.indexOf(final) > lastMessageAt, "all messages come before the terminal status");

  assert.equal(last.reason, "terminal");
  assert.equal(last.status, final.status);
  return messages.map((m) => m.message);
}
