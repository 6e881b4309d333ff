// Smoke test of an installed duvo-bridge npm package: the client finds the package's `duvo` by itself and drives runs.
//
// Copy it into the project that installed the package and run `node client_smoke.mjs PACKAGE_DUVO_PATH` without
// DUVO_BIN and with a PATH that holds no duvo, so the client can only have found the package's own binary. Follows an
// echo run to the end on the embedded simulator and answers an approval run's request. Prints one `ok` line per
// check; throws with the reason otherwise.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { DuvoClient } from "duvo-bridge";

const ECHO = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
const expected = process.argv[2];
assert.equal(process.env.DUVO_BIN, undefined, "run the smoke test without DUVO_BIN: it checks the default lookup");

// packaging/test runs this with a PATH that holds no duvo: the client can only have found the package's own.
const duvo = new DuvoClient({ simulate: true, simSpeed: 50 });
try {
  const agents = JSON.parse(execFileSync(expected, ["sim", "agents", "--json"], { encoding: "utf8" }));
  const approval = agents.find((agent) => agent.name === "approval").id;

  const { subscription } = await duvo.start({ agent_id: ECHO, message: "hello from npm", follow: true });
  const texts = [];
  let end;
  for await (const event of duvo.events(subscription)) {
    if (event.kind === "message") texts.push(event.message.text_content ?? "");
    if (event.kind === "followEnded") end = event;
  }
  assert.equal(end?.reason, "terminal", `the follow ended with ${JSON.stringify(end)}`);
  assert.equal(end.status, "completed");
  assert.ok(texts.some((text) => text.includes("hello from npm")), `no echo among ${JSON.stringify(texts)}`);
  console.log(`ok - followed an echo run to completed (${texts.length} messages)`);

  const { run } = await duvo.start({ agent_id: approval, message: "ship it" });
  const waited = await duvo.wait({ run_id: run.id, until: "attention", timeout_s: 60 });
  assert.ok(waited.pending_human_request, `the approval run never asked: ${waited.run.status}`);
  await duvo.respond({ run_id: run.id, approved: true });
  const final = await duvo.wait({ run_id: run.id, timeout_s: 60 });
  assert.equal(final.run.status, "completed");
  console.log("ok - approved an approval run's request; it completed");
} finally {
  await duvo.close();
}
