/**
 * Turning the answer of the server command `nixls.evaluate`
 * (`{ value, type, error }`) into text for the inline decoration and the
 * output channel. Free of the `vscode` module so unit tests run under node.
 */

/** The answer of `nixls.evaluate`, as loosely as a client must read it. */
export interface EvalResult {
  value?: string | null;
  type?: string | null;
  error?: string | { message?: string } | null;
  /** How long the evaluation took, in milliseconds, when the server reports it. */
  elapsedMs?: number | null;
}

/** What the extension shows for one evaluation. */
export interface Shown {
  ok: boolean;
  /** One line, short: after the expression in the editor. */
  inline: string;
  /** Complete text for the output channel. */
  full: string;
}

const INLINE_MAX = 80;

function errorText(error: EvalResult["error"]): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === "string") return error;
  return error.message ?? JSON.stringify(error);
}

/** Collapse whitespace runs to one space and cut to `max` characters with an ellipsis. */
export function oneLine(text: string, max: number = INLINE_MAX): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : flat.slice(0, max - 1) + "…";
}

/** Read whatever the server returned (possibly nothing or garbage) into what to show. */
export function formatResult(raw: unknown, where: string): Shown {
  if (raw === null || typeof raw !== "object") {
    const text = `nixls.evaluate returned no result (${JSON.stringify(raw) ?? "undefined"})`;
    return { ok: false, inline: `⚠ ${text}`, full: `${where}\n  ${text}` };
  }
  const r = raw as EvalResult;
  const err = errorText(r.error);
  const time = typeof r.elapsedMs === "number" ? ` (${formatMs(r.elapsedMs)})` : "";
  if (err !== undefined) {
    return {
      ok: false,
      inline: `⚠ ${oneLine(err)}`,
      full: `${where}\n  error: ${err.replace(/\n/g, "\n  ")}${time}`,
    };
  }
  const value = typeof r.value === "string" ? r.value : JSON.stringify(r.value ?? null);
  const type = typeof r.type === "string" && r.type !== "" ? r.type : undefined;
  const typed = type !== undefined ? ` :: ${type}` : "";
  return {
    ok: true,
    inline: `⇒ ${oneLine(value, INLINE_MAX - typed.length)}${typed}`,
    full: `${where}\n  ${value.replace(/\n/g, "\n  ")}${typed}${time}`,
  };
}

/** "file.nix:3:5" (1-based) for an editor position. */
export function location(fileName: string, line0: number, character0: number): string {
  return `${fileName}:${line0 + 1}:${character0 + 1}`;
}

/** "0.4 ms", "12 ms", "1.25 s". */
export function formatMs(ms: number): string {
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${ms.toFixed(0)} ms`;
  return `${(ms / 1000).toFixed(2)} s`;
}

/**
 * Whether the extension draws the result after the expression itself. The
 * server also shows `nixls.evaluate` results as inlay hints; when VS Code
 * displays those, a decoration would say the same thing twice.
 */
export function needsDecoration(serverHasInlayHints: boolean, inlayHintsSetting: string | undefined): boolean {
  // editor.inlayHints.enabled: "on" (default) | "onUnlessPressed" | "offUnlessPressed" | "off"
  const visible = inlayHintsSetting === undefined || inlayHintsSetting === "on" || inlayHintsSetting === "onUnlessPressed";
  return !(serverHasInlayHints && visible);
}
