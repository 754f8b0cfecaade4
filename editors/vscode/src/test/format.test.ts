import assert from "node:assert/strict";
import { test } from "node:test";
import { formatMs, formatResult, location, needsDecoration, oneLine } from "../format";

test("a value with its type", () => {
  const shown = formatResult({ value: "{ a = 1; b = «list of 3»; }", type: "set", error: null }, "a.nix:2:3");
  assert.equal(shown.ok, true);
  assert.equal(shown.inline, "⇒ { a = 1; b = «list of 3»; } :: set");
  assert.equal(shown.full, "a.nix:2:3\n  { a = 1; b = «list of 3»; } :: set");
});

test("multi-line values are one line inline and indented in the channel", () => {
  const shown = formatResult({ value: "[\n  1\n  2\n]", type: "list" }, "w");
  assert.equal(shown.inline, "⇒ [ 1 2 ] :: list");
  assert.equal(shown.full, "w\n  [\n    1\n    2\n  ] :: list");
});

test("long values are cut inline but complete in the channel", () => {
  const long = "x".repeat(500);
  const shown = formatResult({ value: long, type: "string", elapsedMs: 12.4 }, "w");
  assert.ok(shown.inline.length <= 82, `inline too long: ${shown.inline.length}`);
  assert.ok(shown.inline.includes("…") && shown.inline.endsWith(":: string"));
  assert.equal(shown.full, `w\n  ${long} :: string (12 ms)`);
});

test("errors, as a string or an object", () => {
  const a = formatResult({ value: null, error: "error: undefined variable 'y'\n  at a.nix:1:1" }, "w");
  assert.equal(a.ok, false);
  assert.equal(a.inline, "⚠ error: undefined variable 'y' at a.nix:1:1");
  assert.equal(a.full, "w\n  error: error: undefined variable 'y'\n    at a.nix:1:1");
  const b = formatResult({ error: { message: "budget exceeded" } }, "w");
  assert.equal(b.inline, "⚠ budget exceeded");
});

test("a missing or malformed answer is an error, never a crash", () => {
  for (const raw of [null, undefined, 42, "text"]) {
    const shown = formatResult(raw, "w");
    assert.equal(shown.ok, false);
    assert.match(shown.inline, /nixls\.evaluate returned no result/);
  }
  assert.equal(formatResult({}, "w").inline, "⇒ null");
});

test("helpers", () => {
  assert.equal(oneLine("  a \n\t b  "), "a b");
  assert.equal(oneLine("abcdef", 4), "abc…");
  assert.equal(location("dir/f.nix", 0, 4), "dir/f.nix:1:5");
});

test("durations", () => {
  assert.equal(formatMs(0.42), "0.4 ms");
  assert.equal(formatMs(12.4), "12 ms");
  assert.equal(formatMs(1250), "1.25 s");
});

test("the decoration is drawn only when the server's inlay hints are not shown", () => {
  assert.equal(needsDecoration(false, undefined), true);
  assert.equal(needsDecoration(false, "on"), true);
  assert.equal(needsDecoration(true, undefined), false);
  assert.equal(needsDecoration(true, "on"), false);
  assert.equal(needsDecoration(true, "onUnlessPressed"), false);
  assert.equal(needsDecoration(true, "offUnlessPressed"), true);
  assert.equal(needsDecoration(true, "off"), true);
});
