/**
 * The nixls extension: starts the language server for `nix` documents and
 * adds the evaluation commands on top of what vscode-languageclient gives.
 */
import * as childProcess from "child_process";
import * as fs from "fs";
import * as vscode from "vscode";
import {
  ExecuteCommandRequest,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
} from "vscode-languageclient/node";
import { discoverServer, Host } from "./discovery";
import { formatResult, location, needsDecoration } from "./format";
import { InlineResults } from "./inline";
import { serverSections, serverSettings } from "./settings";

const CLIENT_ID = "nixls";
const EVALUATE_COMMAND = "nixls.evaluate";

let client: LanguageClient | undefined;
let serverLog: vscode.OutputChannel;
let evalOutput: vscode.OutputChannel;
let inline: InlineResults;
/** Server setting sections, from the settings this extension declares. */
let sections: string[] = [];

/** The real machine, for server discovery. */
const nodeHost: Host = {
  env: process.env,
  platform: process.platform,
  isExecutable(file: string): boolean {
    try {
      fs.accessSync(file, fs.constants.X_OK);
      return fs.statSync(file).isFile();
    } catch {
      return false;
    }
  },
  runsOk(command: string, args: string[]): boolean {
    const r = childProcess.spawnSync(command, args, { timeout: 20000, stdio: "ignore" });
    return r.status === 0;
  },
};

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  serverLog = vscode.window.createOutputChannel("Nix Language Server");
  evalOutput = vscode.window.createOutputChannel("Nix Evaluation");
  inline = new InlineResults();
  const declared = (context.extension.packageJSON as { contributes?: { configuration?: { properties?: object } } })
    .contributes?.configuration?.properties;
  sections = serverSections(Object.keys(declared ?? {}));
  context.subscriptions.push(
    serverLog,
    evalOutput,
    inline,
    vscode.commands.registerCommand("nixls.evaluateSelection", () => evaluateCommand(false)),
    vscode.commands.registerCommand("nixls.evaluateFile", () => evaluateCommand(true)),
    vscode.commands.registerCommand("nixls.restartServer", restartServer),
    vscode.commands.registerCommand("nixls.showServerLog", () => serverLog.show(true)),
    vscode.workspace.onDidChangeTextDocument((e) => inline.clear(e.document)),
    vscode.workspace.onDidChangeConfiguration(onConfigurationChanged),
  );
  await startServer();
}

export async function deactivate(): Promise<void> {
  await stopServer();
}

async function startServer(): Promise<void> {
  const config = vscode.workspace.getConfiguration("nixls");
  const found = discoverServer(config.get<string>("server.path"), nodeHost);
  if (!found.ok) {
    serverLog.appendLine(`[nixls] ${found.message}`);
    const choice = await vscode.window.showErrorMessage(
      `nixls: ${found.message}`,
      "Open Settings",
      "Show Log",
    );
    if (choice === "Open Settings") {
      await vscode.commands.executeCommand("workbench.action.openSettings", "nixls.server.path");
    } else if (choice === "Show Log") {
      serverLog.show(true);
    }
    return;
  }
  const { command, args, source } = found.server;
  serverLog.appendLine(`[nixls] starting ${[command, ...args].join(" ")} (found via ${source})`);
  const serverOptions: ServerOptions = { command, args };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "nix" },
      { scheme: "untitled", language: "nix" },
    ],
    initializationOptions: serverSettings(config, sections),
    outputChannel: serverLog,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/*.nix"),
    },
  };
  const started = new LanguageClient(CLIENT_ID, "Nix Language Server", serverOptions, clientOptions);
  try {
    await started.start();
    client = started;
  } catch (e) {
    const message = `nixls failed to start (${[command, ...args].join(" ")}): ${String(e)}`;
    serverLog.appendLine(`[nixls] ${message}`);
    void vscode.window
      .showErrorMessage(`${message}. Check nixls.server.path.`, "Show Log")
      .then((choice) => (choice === "Show Log" ? serverLog.show(true) : undefined));
  }
}

async function stopServer(): Promise<void> {
  const running = client;
  client = undefined;
  if (running !== undefined) {
    try {
      await running.stop();
    } catch (e) {
      serverLog.appendLine(`[nixls] stopping the server failed: ${String(e)}`);
    }
  }
}

async function restartServer(): Promise<void> {
  await stopServer();
  // Discovery runs again, so a fixed setting or a new install is picked up.
  await startServer();
}

function onConfigurationChanged(e: vscode.ConfigurationChangeEvent): void {
  if (e.affectsConfiguration("nixls.server.path")) {
    void vscode.window
      .showInformationMessage("nixls.server.path changed: restart the server to use it.", "Restart")
      .then((choice) => (choice === "Restart" ? restartServer() : undefined));
    return;
  }
  if (e.affectsConfiguration("nixls") && client !== undefined) {
    const settings = serverSettings(vscode.workspace.getConfiguration("nixls"), sections);
    void client.sendNotification("workspace/didChangeConfiguration", {
      settings: { nixls: settings },
    });
  }
}

/** Evaluate the selection (or the expression at the cursor), or the whole file. */
async function evaluateCommand(wholeFile: boolean): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor === undefined || editor.document.languageId !== "nix") {
    void vscode.window.showWarningMessage("nixls: open a Nix file to evaluate.");
    return;
  }
  if (client === undefined) {
    void vscode.window
      .showErrorMessage("nixls: the language server is not running.", "Restart Server")
      .then((choice) => (choice === "Restart Server" ? restartServer() : undefined));
    return;
  }
  const doc = editor.document;
  const selection = editor.selection;
  const range = wholeFile
    ? new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length))
    : selection;
  const target: Record<string, unknown> = { uri: doc.uri.toString() };
  if (range.isEmpty) {
    target["position"] = client.code2ProtocolConverter.asPosition(range.start);
  } else {
    target["range"] = client.code2ProtocolConverter.asRange(range);
  }
  const where = location(vscode.workspace.asRelativePath(doc.uri), range.start.line, range.start.character);
  let raw: unknown;
  try {
    raw = await client.sendRequest(ExecuteCommandRequest.type, {
      command: EVALUATE_COMMAND,
      arguments: [target],
    });
  } catch (e) {
    raw = { error: `request failed: ${e instanceof Error ? e.message : String(e)}` };
  }
  const shown = formatResult(raw, where);
  evalOutput.appendLine(shown.full);
  if (wholeFile) {
    evalOutput.show(true);
  }
  const serverHints = client.initializeResult?.capabilities.inlayHintProvider !== undefined;
  const hintsSetting = vscode.workspace.getConfiguration("editor.inlayHints", doc).get<string>("enabled");
  if (needsDecoration(serverHints, hintsSetting)) {
    // after the expression's last line with text, clear of the code
    let line = range.end.line;
    while (line > range.start.line && doc.lineAt(line).isEmptyOrWhitespace) line--;
    inline.show(editor, doc.lineAt(line).range.end, shown);
  }
}
