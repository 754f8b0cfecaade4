/**
 * Finding the nixls server: the `nixls.server.path` setting (a command line),
 * else `nixls` on PATH, else `python3 -m nixls`.
 *
 * Kept free of the `vscode` module so it runs under plain node in unit tests;
 * everything it touches outside itself comes in through `Host`.
 */
import * as path from "path";

/** A way to start the server. */
export interface ServerCommand {
  command: string;
  args: string[];
  /** Where the command came from, for messages. */
  source: "setting" | "path" | "python";
}

/** What discovery needs from the machine; tests pass a fake. */
export interface Host {
  /** Environment variables (PATH, PATHEXT). */
  env: Record<string, string | undefined>;
  platform: NodeJS.Platform;
  /** True when `file` exists and may be executed. */
  isExecutable(file: string): boolean;
  /** Run a program and tell whether it exited with status 0. */
  runsOk(command: string, args: string[]): boolean;
}

export type Discovery =
  | { ok: true; server: ServerCommand; tried: string[] }
  | { ok: false; tried: string[]; message: string };

/**
 * Split a command line into words, honouring single quotes, double quotes
 * and backslash escapes the way a POSIX shell does for plain words.
 * Throws on an unterminated quote.
 */
export function splitCommandLine(line: string): string[] {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let quote: "'" | '"' | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line.charAt(i);
    if (quote === "'") {
      if (c === "'") quote = null;
      else word += c;
    } else if (quote === '"') {
      if (c === '"') quote = null;
      else if (c === "\\" && i + 1 < line.length && '"\\$`'.includes(line.charAt(i + 1))) {
        word += line.charAt(++i);
      } else word += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\" && i + 1 < line.length) {
      word += line.charAt(++i);
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (quote !== null) throw new Error(`unterminated ${quote} quote in "${line}"`);
  if (inWord) words.push(word);
  return words;
}

/** The full path of `program` found on PATH (or the path itself if it has a directory part). */
export function whichProgram(program: string, host: Host): string | undefined {
  const win = host.platform === "win32";
  const exts = win ? (host.env["PATHEXT"] ?? ".EXE;.CMD;.BAT").split(";").concat([""]) : [""];
  const hasDir = program.includes("/") || (win && program.includes("\\"));
  if (hasDir) {
    return exts.map((e) => program + e).find((f) => host.isExecutable(f));
  }
  const dirs = (host.env["PATH"] ?? "").split(win ? ";" : ":").filter((d) => d !== "");
  for (const dir of dirs) {
    for (const ext of exts) {
      const file = path.join(dir, program + ext);
      if (host.isExecutable(file)) return file;
    }
  }
  return undefined;
}

const FIX =
  "Install it with `pip install nixls` (so that `nixls` is on PATH), or set " +
  "`nixls.server.path` to the command that starts it, e.g. `/path/to/venv/bin/nixls`.";

/** Decide how to start the server; never throws. */
export function discoverServer(settingPath: string | undefined, host: Host): Discovery {
  const tried: string[] = [];
  const setting = (settingPath ?? "").trim();
  if (setting !== "") {
    let words: string[];
    try {
      words = splitCommandLine(setting);
    } catch (e) {
      return { ok: false, tried: [setting], message: `nixls.server.path is not a valid command line: ${(e as Error).message}` };
    }
    tried.push(setting);
    const [program, ...args] = words;
    const found = program === undefined ? undefined : whichProgram(program, host);
    if (found === undefined) {
      // A wrong setting is reported, not papered over with a fallback the user did not ask for.
      const what = program === setting ? "" : `, but its program "${program ?? ""}"`;
      return {
        ok: false,
        tried,
        message: `nixls.server.path is set to "${setting}"${what === "" ? ", which" : what} was not found or is not executable. Correct or clear the setting.`,
      };
    }
    return { ok: true, tried, server: { command: found, args, source: "setting" } };
  }
  tried.push("nixls (on PATH)");
  const onPath = whichProgram("nixls", host);
  if (onPath !== undefined) {
    return { ok: true, tried, server: { command: onPath, args: [], source: "path" } };
  }
  const python = host.platform === "win32" ? "python" : "python3";
  tried.push(`${python} -m nixls`);
  const interpreter = whichProgram(python, host);
  if (interpreter !== undefined && host.runsOk(interpreter, ["-c", "import nixls"])) {
    return { ok: true, tried, server: { command: interpreter, args: ["-m", "nixls"], source: "python" } };
  }
  return {
    ok: false,
    tried,
    message: `Could not find the nixls language server (tried: ${tried.join(", ")}). ${FIX}`,
  };
}
