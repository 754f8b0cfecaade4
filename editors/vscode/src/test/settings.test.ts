import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { test } from "node:test";
import { serverSections, serverSettings } from "../settings";

const packageJson = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8"));
const declared: Record<string, { default: unknown }> = packageJson.contributes.configuration.properties;

test("server sections are the declared ones minus the client's own", () => {
  const sections = serverSections(Object.keys(declared));
  assert.ok(sections.includes("eval") && sections.includes("diagnostics"));
  assert.ok(!sections.includes("server") && !sections.includes("trace"));
});

test("serverSettings nests each section as the configuration returns it", () => {
  // A configuration built from the declared defaults, nested as VS Code's get() returns it.
  const nested: Record<string, unknown> = {};
  for (const [key, schema] of Object.entries(declared)) {
    const parts = key.split(".").slice(1);
    let target = nested;
    for (const part of parts.slice(0, -1)) {
      target = (target[part] ??= {}) as Record<string, unknown>;
    }
    target[parts[parts.length - 1]!] = schema.default;
  }
  const config = { get: <T>(s: string) => nested[s] as T | undefined };
  const sent = serverSettings(config, serverSections(Object.keys(declared)));
  assert.equal(sent["server"], undefined);
  assert.equal((sent["eval"] as { budget: { steps: unknown } }).budget.steps, declared["nixls.eval.budget.steps"]!.default);
  assert.deepEqual(Object.keys(sent).sort(), serverSections(Object.keys(declared)).sort());
});
