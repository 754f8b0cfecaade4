/** Evaluation results shown after the evaluated expression until the document changes. */
import * as vscode from "vscode";
import { Shown } from "./format";

export class InlineResults implements vscode.Disposable {
  private readonly okType = vscode.window.createTextEditorDecorationType({
    after: { margin: "0 0 0 1.5em", color: new vscode.ThemeColor("editorCodeLens.foreground") },
  });
  private readonly errorType = vscode.window.createTextEditorDecorationType({
    after: { margin: "0 0 0 1.5em", color: new vscode.ThemeColor("editorError.foreground") },
  });
  /** Per document: the decorations currently shown, by kind. */
  private readonly shown = new Map<string, { ok: vscode.DecorationOptions[]; error: vscode.DecorationOptions[] }>();

  /** Show `result` at the end of `at` in `editor`, keeping earlier results of the document. */
  show(editor: vscode.TextEditor, at: vscode.Position, result: Shown): void {
    const key = editor.document.uri.toString();
    const entry = this.shown.get(key) ?? { ok: [], error: [] };
    const decoration: vscode.DecorationOptions = {
      range: new vscode.Range(at, at),
      hoverMessage: new vscode.MarkdownString().appendCodeblock(result.full, "nix"),
      renderOptions: { after: { contentText: result.inline } },
    };
    // One result per line: a new evaluation replaces an older one there.
    entry.ok = entry.ok.filter((d) => d.range.start.line !== at.line);
    entry.error = entry.error.filter((d) => d.range.start.line !== at.line);
    (result.ok ? entry.ok : entry.error).push(decoration);
    this.shown.set(key, entry);
    this.apply(editor.document, entry);
  }

  /** Forget the results of a document (it changed, so they may be stale). */
  clear(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (this.shown.delete(key)) {
      this.apply(document, { ok: [], error: [] });
    }
  }

  private apply(
    document: vscode.TextDocument,
    entry: { ok: vscode.DecorationOptions[]; error: vscode.DecorationOptions[] },
  ): void {
    for (const editor of vscode.window.visibleTextEditors) {
      if (editor.document === document) {
        editor.setDecorations(this.okType, entry.ok);
        editor.setDecorations(this.errorType, entry.error);
      }
    }
  }

  dispose(): void {
    this.okType.dispose();
    this.errorType.dispose();
  }
}
