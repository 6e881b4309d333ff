// index.d.ts declares exactly the methods and params of schema/openrpc.json (no tsc here: the text is parsed).
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

import * as duvo from "../index.js";
import { SCHEMA_PATH } from "../test-helpers.js";

const here = dirname(fileURLToPath(import.meta.url));
const dts = readFileSync(join(here, "..", "index.d.ts"), "utf8");
const schema = JSON.parse(readFileSync(SCHEMA_PATH, "utf8"));

/** The body of `export interface Name { ... }` (interfaces here hold no nested braces across lines). */
function interfaceBody(name) {
  const match = dts.match(new RegExp(`export interface ${name} \\{([^}]*)\\}`));
  assert.ok(match, `index.d.ts has no interface ${name}`);
  return match[1];
}

/** name -> optional? for each field of an interface (index signatures left out). */
function fields(name) {
  const result = new Map();
  for (const match of interfaceBody(name).matchAll(/^\s*([A-Za-z_][A-Za-z0-9_]*)(\??):/gm)) {
    result.set(match[1], match[2] === "?");
  }
  return result;
}

/** wire name -> params interface, from `export interface MethodMap`. */
function methodMap() {
  const body = dts.match(/export interface MethodMap \{([\s\S]*?)\n\}/);
  assert.ok(body, "index.d.ts has no MethodMap");
  return new Map([...body[1].matchAll(/"([^"]+)": \{ params: (\w+); result: (\w+) \}/g)].map((m) => [m[1], m[2]]));
}

/** JS method name -> params type, from the DuvoClient class declaration. */
function clientMethods() {
  const body = dts.match(/export declare class DuvoClient \{([\s\S]*?)\n\}/);
  assert.ok(body, "index.d.ts has no DuvoClient class");
  return new Map([...body[1].matchAll(/^\s*(\w+)\(params\??: (\w+)/gm)].map((m) => [m[1], m[2]]));
}

test("MethodMap lists exactly the schema's methods", () => {
  assert.deepEqual([...methodMap().keys()].sort(), schema.methods.map((m) => m.name).sort());
});

test("each params interface has exactly the schema's param names, optional where the schema says so", () => {
  const map = methodMap();
  for (const method of schema.methods) {
    const declared = fields(map.get(method.name));
    const expected = new Map(method.params.map((p) => [p.name, !p.required]));
    assert.deepEqual(declared, expected, `params of ${method.name}`);
  }
});

test("DuvoClient has one method per schema method, taking that method's params", () => {
  const byParams = new Map([...clientMethods()].map(([js, params]) => [params, js]));
  for (const [wire, params] of methodMap()) {
    assert.ok(byParams.has(params), `DuvoClient declares no method taking ${params} (for ${wire})`);
  }
});

test("each JS method sends the wire method whose params it declares", () => {
  const map = methodMap();
  const wireOf = { ...duvo.METHODS, follow: "runs/follow" };
  for (const [js, params] of clientMethods()) {
    assert.ok(js in wireOf, `index.js does not say which wire method DuvoClient.${js} sends`);
    assert.equal(map.get(wireOf[js]), params, `DuvoClient.${js} sends ${wireOf[js]} but declares ${params}`);
  }
});

test("every method declared in index.d.ts exists in index.js", () => {
  const client = Object.getOwnPropertyNames(duvo.DuvoClient.prototype);
  for (const js of clientMethods().keys()) assert.ok(client.includes(js), `index.js lacks DuvoClient.${js}`);
});

test("every error code of the schema has a class, exported and declared", () => {
  for (const error of Object.values(schema.components.errors)) {
    const thrown = duvo.errorFromObject({ code: error.code, message: "m" });
    assert.notEqual(thrown.constructor, duvo.DuvoError, `no class for code ${error.code}`);
    assert.equal(thrown.code, error.code);
    assert.match(dts, new RegExp(`export declare class ${thrown.constructor.name} extends`));
  }
});

test("follow event kinds match the schema's notifications", () => {
  const names = schema["x-notifications"].map((n) => n.name);
  assert.deepEqual(names, ["runs/message", "runs/status", "runs/followStalled", "runs/followRecovered",
    "runs/followEnded"]);
  for (const [name, iface] of [["RunMessageNotification", "MessageEvent"], ["RunStatusNotification", "StatusEvent"],
    ["FollowStalledNotification", "FollowStalledEvent"], ["FollowRecoveredNotification", "FollowRecoveredEvent"],
    ["FollowEndedNotification", "FollowEndedEvent"]]) {
    const declared = fields(iface);
    declared.delete("kind");
    const s = schema.components.schemas[name];
    const expected = new Map(Object.keys(s.properties).map((p) => [p, !s.required.includes(p)]));
    assert.deepEqual(declared, expected, `${iface} vs ${name}`);
  }
});
