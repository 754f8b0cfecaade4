/** The TextMate grammar, run by the same engine VS Code uses (vscode-textmate + oniguruma). */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { before, test } from "node:test";
import * as oniguruma from "vscode-oniguruma";
import * as textmate from "vscode-textmate";

const root = path.join(__dirname, "..", "..");
let grammar: textmate.IGrammar;

before(async () => {
  const wasm = fs.readFileSync(require.resolve("vscode-oniguruma/release/onig.wasm"));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources: string[]) => new oniguruma.OnigScanner(sources),
      createOnigString: (s: string) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async (scopeName: string) => {
      if (scopeName !== "source.nix") return null;
      const file = path.join(root, "syntaxes", "nix.tmLanguage.json");
      return textmate.parseRawGrammar(fs.readFileSync(file, "utf8"), file);
    },
  });
  const loaded = await registry.loadGrammar("source.nix");
  assert.ok(loaded);
  grammar = loaded;
});

/** Each token of `source` (all lines) as [text, innermost scope]. */
function tokens(source: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  let stack = textmate.INITIAL;
  for (const line of source.split("\n")) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const text = line.slice(t.startIndex, t.endIndex);
      if (text.trim() !== "") out.push([text.trim(), t.scopes[t.scopes.length - 1]!]);
    }
    stack = r.ruleStack;
  }
  return out;
}

/** The innermost scope of the first token whose text is `text`. */
function scopeOf(source: string, text: string, nth = 0): string {
  const found = tokens(source).filter(([t]) => t === text);
  assert.ok(found.length > nth, `no token ${JSON.stringify(text)} in ${JSON.stringify(tokens(source))}`);
  return found[nth]![1];
}

test("keywords, constants, builtins", () => {
  const src = "let x = if true then null else builtins.map f [ ]; in with x; rec { inherit x; }";
  assert.equal(scopeOf(src, "let"), "keyword.other.nix");
  assert.equal(scopeOf(src, "if"), "keyword.control.conditional.nix");
  assert.equal(scopeOf(src, "true"), "constant.language.nix");
  assert.equal(scopeOf(src, "builtins"), "support.constant.builtins.nix");
  assert.equal(scopeOf(src, "map"), "support.function.builtin.nix");
  assert.equal(scopeOf(src, "inherit"), "keyword.other.nix");
  assert.equal(scopeOf(src, "f"), "variable.other.nix");
});

test("identifiers with dashes and quotes are not keywords", () => {
  assert.equal(scopeOf("let-in' = 1;", "let-in'"), "entity.other.attribute-name.nix");
  assert.equal(scopeOf("x = in-x;", "in-x"), "variable.other.nix");
});

test("attribute names, nested paths, and == is not a binding", () => {
  const src = "{ a.b = 1; c = d == e; }";
  assert.equal(scopeOf(src, "a"), "entity.other.attribute-name.nix");
  assert.equal(scopeOf(src, "b"), "entity.other.attribute-name.nix");
  assert.equal(scopeOf(src, "c"), "entity.other.attribute-name.nix");
  assert.equal(scopeOf(src, "d"), "variable.other.nix");
  assert.equal(scopeOf(src, "=="), "keyword.operator.comparison.nix");
});

test("lambda parameters", () => {
  assert.equal(scopeOf("x: y: x", "x"), "variable.parameter.nix");
  assert.equal(scopeOf("args @ { a }: a", "args"), "variable.parameter.nix");
});

test("strings with escapes and nested interpolation", () => {
  const src = '"a\\n${ { x = "in"; }.x }b"';
  const t = tokens(src);
  assert.deepEqual(t[0], ['"', "punctuation.definition.string.begin.nix"]);
  assert.equal(scopeOf(src, "\\n"), "constant.character.escape.nix");
  assert.equal(scopeOf(src, "${"), "punctuation.section.embedded.begin.nix");
  assert.equal(scopeOf(src, "x"), "entity.other.attribute-name.nix");
  // the set's `}` does not end the interpolation; the string resumes after the second `}`
  const last = t[t.length - 1]!;
  assert.equal(last[1], "punctuation.definition.string.end.nix");
  assert.equal(t[t.length - 2]![1], "string.quoted.double.nix");
});

test("indented strings: escapes do not end them", () => {
  const src = "''\n  a '''b ''${c} ''\\n ${d}\n''";
  assert.equal(scopeOf(src, "'''"), "constant.character.escape.nix");
  assert.equal(scopeOf(src, "''$"), "constant.character.escape.nix");
  assert.equal(scopeOf(src, "''\\n"), "constant.character.escape.nix");
  assert.equal(scopeOf(src, "d"), "variable.other.nix");
  const t = tokens(src);
  assert.deepEqual(t[t.length - 1], ["''", "punctuation.definition.string.end.nix"]);
});

test("paths, search paths, URIs, numbers", () => {
  assert.equal(scopeOf("import ./lib/default.nix", "./lib/default.nix"), "string.unquoted.path.nix");
  assert.equal(scopeOf("f ~/x.nix", "~/x.nix"), "string.unquoted.path.nix");
  assert.equal(scopeOf("import <nixpkgs/lib> {}", "<nixpkgs/lib>"), "string.unquoted.search-path.nix");
  assert.equal(scopeOf("fetchurl https://example.org/a.tgz", "https://example.org/a.tgz"), "string.unquoted.uri.nix");
  assert.equal(scopeOf("[ 1 2.5 .5e3 ]", "1"), "constant.numeric.integer.nix");
  assert.equal(scopeOf("[ 1 2.5 .5e3 ]", "2.5"), "constant.numeric.float.nix");
  assert.equal(scopeOf("[ 1 2.5 .5e3 ]", ".5e3"), "constant.numeric.float.nix");
  assert.equal(scopeOf("a // b", "//"), "keyword.operator.update.nix");
  assert.equal(scopeOf("a / b", "/"), "keyword.operator.arithmetic.nix");
});

test("comments", () => {
  assert.equal(scopeOf("x # note", "# note"), "comment.line.number-sign.nix");
  const block = tokens("/* a\n b */ x");
  assert.equal(block[0]![1], "punctuation.definition.comment.begin.nix");
  assert.ok(block.some(([t, s]) => t === "b" && s === "comment.block.nix"));
  assert.deepEqual(block[block.length - 1], ["x", "variable.other.nix"]);
});

test("all of nixpkgs' lib tokenizes without leaving a string, comment or bracket open", (t) => {
  const corpus = path.join(root, "..", "..", "..", "shared", "corpus", "nixpkgs-lib");
  if (!fs.existsSync(corpus)) {
    t.skip(`corpus not found at ${corpus}`);
    return;
  }
  const files = (fs.readdirSync(corpus, { recursive: true }) as string[]).filter((f) => f.endsWith(".nix"));
  assert.ok(files.length > 20, `only ${files.length} files in ${corpus}`);
  const open: string[] = [];
  for (const f of files) {
    let stack = textmate.INITIAL;
    for (const line of fs.readFileSync(path.join(corpus, f), "utf8").split("\n")) {
      stack = grammar.tokenizeLine(line, stack).ruleStack;
    }
    if (!stack.equals(initialAfterText())) open.push(f);
  }
  assert.deepEqual(open, []);
});

/** The rule stack after a complete, closed expression (the grammar's resting state). */
function initialAfterText(): textmate.StateStack {
  return grammar.tokenizeLine("x", textmate.INITIAL).ruleStack;
}
