import assert from "node:assert/strict";
import { test } from "node:test";
import { discoverServer, Host, splitCommandLine, whichProgram } from "../discovery";

/** A machine with the given executables and a python that can (or cannot) import nixls. */
function fakeHost(executables: string[], pythonHasNixls = false, path = "/usr/local/bin:/usr/bin"): Host & { runs: string[][] } {
  const runs: string[][] = [];
  return {
    env: { PATH: path },
    platform: "linux",
    isExecutable: (file) => executables.includes(file),
    runsOk(command, args) {
      runs.push([command, ...args]);
      return pythonHasNixls && command.endsWith("python3") && args.join(" ") === "-c import nixls";
    },
    runs,
  };
}

test("splitCommandLine handles quotes and escapes", () => {
  assert.deepEqual(splitCommandLine("nixls"), ["nixls"]);
  assert.deepEqual(splitCommandLine("  python3   -m nixls "), ["python3", "-m", "nixls"]);
  assert.deepEqual(splitCommandLine(`"/opt/my tools/nixls" --log-level 'DEBUG'`), ["/opt/my tools/nixls", "--log-level", "DEBUG"]);
  assert.deepEqual(splitCommandLine(String.raw`/a\ b/nixls "x\"y" ''`), ["/a b/nixls", 'x"y', ""]);
  assert.throws(() => splitCommandLine(`nixls "unclosed`), /unterminated " quote/);
});

test("whichProgram searches PATH in order and accepts explicit paths", () => {
  const host = fakeHost(["/usr/bin/nixls", "/usr/local/bin/nixls", "/opt/x/nixls"]);
  assert.equal(whichProgram("nixls", host), "/usr/local/bin/nixls");
  assert.equal(whichProgram("/opt/x/nixls", host), "/opt/x/nixls");
  assert.equal(whichProgram("./nixls", host), undefined);
  assert.equal(whichProgram("python3", host), undefined);
});

test("the setting wins and keeps its arguments", () => {
  const host = fakeHost(["/usr/bin/nixls", "/venv/bin/python"]);
  const found = discoverServer("/venv/bin/python -m nixls --log-level DEBUG", host);
  assert.ok(found.ok);
  assert.deepEqual(found.server, { command: "/venv/bin/python", args: ["-m", "nixls", "--log-level", "DEBUG"], source: "setting" });
});

test("a setting naming a missing program is an error, not a silent fallback", () => {
  const host = fakeHost(["/usr/bin/nixls"]);
  const found = discoverServer("/nowhere/nixls", host);
  assert.equal(found.ok, false);
  assert.equal(
    found.ok ? "" : found.message,
    'nixls.server.path is set to "/nowhere/nixls", which was not found or is not executable. Correct or clear the setting.',
  );
  const withArgs = discoverServer("/nowhere/python -m nixls", host);
  assert.match(withArgs.ok ? "" : withArgs.message, /set to "\/nowhere\/python -m nixls", but its program "\/nowhere\/python" was not found/);
});

test("an unparsable setting is reported", () => {
  const found = discoverServer(`"nixls`, fakeHost([]));
  assert.equal(found.ok, false);
  assert.match(found.ok ? "" : found.message, /not a valid command line/);
});

test("empty setting: nixls on PATH", () => {
  const host = fakeHost(["/usr/bin/nixls", "/usr/bin/python3"], true);
  const found = discoverServer("   ", host);
  assert.ok(found.ok);
  assert.deepEqual(found.server, { command: "/usr/bin/nixls", args: [], source: "path" });
  assert.deepEqual(host.runs, [], "python is not probed when nixls is on PATH");
});

test("no nixls on PATH: python3 -m nixls when python3 can import it", () => {
  const host = fakeHost(["/usr/bin/python3"], true);
  const found = discoverServer(undefined, host);
  assert.ok(found.ok);
  assert.deepEqual(found.server, { command: "/usr/bin/python3", args: ["-m", "nixls"], source: "python" });
  assert.deepEqual(host.runs, [["/usr/bin/python3", "-c", "import nixls"]]);
});

test("nothing works: the message lists what was tried and how to fix it", () => {
  const found = discoverServer("", fakeHost(["/usr/bin/python3"], false));
  assert.equal(found.ok, false);
  assert.deepEqual(found.tried, ["nixls (on PATH)", "python3 -m nixls"]);
  const message = found.ok ? "" : found.message;
  assert.match(message, /pip install nixls/);
  assert.match(message, /nixls\.server\.path/);
});

test("windows: PATHEXT and ; separators", () => {
  const host: Host = {
    env: { PATH: "C:\\py;C:\\tools", PATHEXT: ".EXE;.CMD" },
    platform: "win32",
    isExecutable: (f) => f.toUpperCase().endsWith("NIXLS.CMD") && f.includes("tools"),
    runsOk: () => false,
  };
  const found = whichProgram("nixls", host);
  assert.ok(found !== undefined && found.includes("tools") && found.endsWith("nixls.CMD"));
});
