// End-to-end check of the extension in a real VS Code: code-server (VS Code
// 1.100 with its Node extension host) driven by Debian's Chromium through
// playwright-core. Installs the .vsix, opens the workspace, opens a .nix file
// and reads what the user would see: the error squiggle, the Problems panel,
// a hover, the inline result of "Nix: Evaluate Selection", and the server log.
//
// Usage: node drive.mjs CONFIG.json  (written by tests/editors/test_vscode.py)
// Prints one JSON report on stdout; exits 0 when every step ran (the pytest
// asserts on the report), 1 when a step could not run.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { chromium } from "playwright-core";

const config = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const tmp = config.tmp;
const report = { steps: [] };
let page;
const started = Date.now();
const step = (name) => {
  const at = ((Date.now() - started) / 1000).toFixed(1);
  report.steps.push(`${at}s ${name}`);
  process.stderr.write(`[drive] ${at}s ${name}\n`);
};

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Everything code-server writes goes under tmp, never into the home directory. */
function codeServerEnv() {
  const env = { ...process.env, ...config.env };
  for (const [name, dir] of [["HOME", "home"], ["XDG_CONFIG_HOME", "xdg-config"], ["XDG_DATA_HOME", "xdg-data"], ["XDG_CACHE_HOME", "xdg-cache"]]) {
    env[name] = path.join(tmp, dir);
    fs.mkdirSync(env[name], { recursive: true });
  }
  return env;
}

function codeServerArgs(port) {
  const configFile = path.join(tmp, "code-server.yaml");
  fs.writeFileSync(configFile, `bind-addr: 127.0.0.1:${port}\nauth: none\ncert: false\n`);
  return [
    path.join(config.codeServer, "out", "node", "entry.js"),
    "--config", configFile,
    "--user-data-dir", path.join(tmp, "user-data"),
    "--extensions-dir", path.join(tmp, "extensions"),
    "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
    "--disable-getting-started-override",
  ];
}

function writeUserSettings(serverPath) {
  const dir = path.join(tmp, "user-data", "User");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "settings.json"), JSON.stringify({
    "nixls.server.path": serverPath,
    "nixls.trace.server": "messages",
    "workbench.startupEditor": "none",
    "workbench.tips.enabled": false,
    "workbench.enableExperiments": false,
    "extensions.ignoreRecommendations": true,
    "extensions.autoCheckUpdates": false,
    "security.workspace.trust.enabled": false,
    "telemetry.telemetryLevel": "off",
    "editor.hover.delay": 200,
    "editor.minimap.enabled": false,
    "window.restoreWindows": "none",
    "workbench.colorTheme": "Default Light Modern",
    // "offUnlessPressed" hides the server's inlay hints: the extension then draws results itself
    "editor.inlayHints.enabled": config.inlayHints ?? "on",
  }, null, 2));
}

async function waitFor(what, fn, timeoutMs = 30000, everyMs = 250) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`timed out waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
}

/** SIGTERM the process group, then SIGKILL what is left after a few seconds. */
async function stopGroup(pid, exited) {
  const signal = (sig) => {
    try {
      process.kill(-pid, sig);
    } catch {
      /* already gone */
    }
  };
  signal("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  await new Promise((r) => setTimeout(r, 500)); // children a moment after the leader
  signal("SIGKILL");
}

/** Run a command from the command palette by its title. */
async function runCommand(title) {
  await waitFor("the command palette", async () => {
    await page.keyboard.press("F1");
    await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: 5000 });
    return true;
  }, 30000, 500);
  await page.keyboard.type(title);
  await waitFor(`${title} in the palette`, async () => (await page.locator(".quick-input-list .monaco-list-row", { hasText: title }).count()) > 0, 10000);
  await page.keyboard.press("Enter");
}

/** Texts of ::before/::after pseudo-elements in the editor: where decorations and inlay hints are drawn. */
async function afterDecorations(page) {
  return page.evaluate(() => {
    const out = [];
    for (const el of document.querySelectorAll(".monaco-editor .view-lines span")) {
      for (const pseudo of ["::before", "::after"]) {
        const content = getComputedStyle(el, pseudo).content;
        if (content && content !== "none" && content !== "normal") {
          // a CSS string: quoted, with \" and \\ escaped
          out.push(content.replace(/^"|"$/g, "").replace(/\\(.)/g, "$1"));
        }
      }
    }
    return out;
  });
}

/** An output channel of the extension, as the extension host wrote it to disk. */
function outputChannelText(channel) {
  const logs = path.join(tmp, "user-data", "logs");
  const found = [];
  const walk = (dir) => {
    for (const entry of fs.existsSync(dir) ? fs.readdirSync(dir, { withFileTypes: true }) : []) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(`-${channel}.log`)) found.push(full);
    }
  };
  walk(logs);
  return found.map((f) => fs.readFileSync(f, "utf8")).join("\n");
}

async function main() {
  const env = codeServerEnv();
  step("install the .vsix");
  const install = spawnSync(process.execPath, [...codeServerArgs(0), "--install-extension", config.vsix, "--force"], { env, encoding: "utf8", timeout: 120000 });
  report.install = (install.stdout + install.stderr).trim().split("\n").slice(-3);
  if (install.status !== 0) throw new Error(`--install-extension failed: ${install.stderr}`);
  writeUserSettings(config.serverPath);

  const port = await freePort();
  step(`start code-server on 127.0.0.1:${port}`);
  // Its own process group, so that the extension host and nixls end with it.
  const server = spawn(process.execPath, [...codeServerArgs(port), config.workspace], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const exited = new Promise((resolve) => server.on("exit", resolve));
  let serverOutput = "";
  server.stdout.on("data", (d) => (serverOutput += d));
  server.stderr.on("data", (d) => (serverOutput += d));
  let browser;
  try {
    await waitFor("code-server to listen", () => serverOutput.includes("HTTP server listening"), 60000, 100);
    step("open the workbench in headless Chromium");
    browser = await chromium.launch({
      executablePath: config.chromium,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(config.workspace)}`, { timeout: 120000 });
    await page.waitForSelector(".monaco-workbench", { timeout: 60000 });
    await page.waitForSelector(".explorer-folders-view, .explorer-viewlet", { timeout: 60000 });

    step(`open ${config.file}`);
    // From the Explorer, as a user would (quick open waits on file search, slow on a busy machine).
    const row = page.locator(".explorer-folders-view .monaco-list-row", { hasText: config.file }).first();
    await row.waitFor({ state: "visible", timeout: 60000 });
    // Retried: on a loaded machine the workbench may swallow the first clicks.
    await waitFor("the file open in an editor", async () => {
      await row.dblclick({ timeout: 10000 });
      await page.waitForSelector(`.monaco-editor .view-lines:has-text("${config.hoverWord}")`, { timeout: 10000 });
      return true;
    }, 90000, 500);

    step("wait for the diagnostic squiggle");
    await page.waitForSelector(".monaco-editor .squiggly-error, .monaco-editor .squiggly-warning", { timeout: 60000 });
    report.squiggles = await page.locator(".monaco-editor .squiggly-error, .monaco-editor .squiggly-warning").count();
    report.languageId = await waitFor("the language mode", async () => {
      const text = await page.locator(".statusbar-item[id*='editor.status.mode'], #status\\.editor\\.mode").first().innerText();
      return text.trim() || false;
    }, 15000);

    step("read the Problems panel");
    await page.keyboard.press("Control+Shift+M");
    report.problems = await waitFor("problems", async () => {
      const rows = await page.locator(".markers-panel .monaco-list-row").allInnerTexts();
      const flat = rows.map((r) => r.replace(/\s+/g, " ").trim());
      // static diagnostics come first, evaluation ones a moment later
      return config.expectDiagnostics.every((want) => flat.some((r) => r.includes(want))) ? flat : false;
    }, 30000);

    if (config.evaluate) {
      step("Nix: Evaluate Selection on a binding");
      // the cursor on the binding's name, no selection: the server evaluates the binding
      await page.locator(".monaco-editor .view-lines span", { hasText: new RegExp(`^${config.evaluate.word}$`) }).first().click();
      await runCommand("Nix: Evaluate Selection");
      // Drawn by the server's inlay hint or, where those are hidden, by the extension's decoration.
      report.inline = await waitFor("the inline result", async () => {
        const lines = (await page.locator(".monaco-editor .view-line", { hasText: config.evaluate.word }).allInnerTexts())
          .map((t) => t.replace(/\u00a0/g, " "));
        const decorations = await afterDecorations(page);
        const all = [...lines, ...decorations];
            return all.some((t) => t.includes(config.evaluate.expect)) ? { lines, decorations } : false;
      }, 30000);

      step("Nix: Evaluate File");
      await runCommand("Nix: Evaluate File");
      report.evaluationLog = await waitFor("the Nix Evaluation channel", () => {
        const text = outputChannelText("Nix Evaluation");
        return text.includes(`${config.file}:1:1`) ? text : false;
      }, 30000);
    }

    step("Nix: Show Server Log");
    await runCommand("Nix: Show Server Log");
    // The channel is scrolled to its end: the latest traffic, the evaluate request.
    report.serverLogView = await waitFor("the server log in the Output panel", async () => {
      const text = (await page.locator(".part.panel .monaco-editor .view-lines").allInnerTexts()).join("\n").replace(/\u00a0/g, " ");
      return text.includes("[Trace - ") && text.includes("workspace/executeCommand") ? text.split("\n") : false;
    }, 20000);

    await page.keyboard.press("Control+Shift+M"); // back to Problems for the screenshot
    step(`hover on ${config.hoverWord}`);
    const token = page.locator(".monaco-editor .view-lines span", { hasText: new RegExp(`^${config.hoverWord}$`) }).first();
    await page.mouse.move(0, 0);
    report.hover = await waitFor("hover text", async () => {
      await token.hover();
      const hover = page.locator(".monaco-editor .monaco-hover:not(.hidden) .monaco-hover-content, .monaco-hover:not(.hidden) .hover-contents");
      await hover.first().waitFor({ state: "visible", timeout: 3000 });
      const text = (await hover.allInnerTexts()).join("\n");
      return config.expectHover.every((want) => text.includes(want)) ? text : false;
    }, 30000, 500);
    await page.waitForTimeout(300);
    if (config.screenshot) {
      await page.screenshot({ path: config.screenshot });
      report.screenshot = config.screenshot;
    }

    if (config.badServerPath) {
      step("point nixls.server.path at a missing program and run Nix: Restart Server");
      await page.mouse.move(0, 0);
      await page.keyboard.press("Escape");
      // Through the Settings editor, as a user would.
      await runCommand("Preferences: Open User Settings");
      await page.waitForSelector(".settings-editor", { timeout: 30000 });
      // A machine-overridable setting: in code-server it lives with the remote machine.
      await page.locator(".settings-editor .settings-tabs-widget .action-label", { hasText: "Remote" }).click();
      await page.locator(".settings-editor .suggest-input-container").click();
      await page.keyboard.type("nixls.server.path");
      const field = page.locator(".settings-editor .setting-item-contents", { hasText: "Server: Path" }).locator("input").first();
      await field.waitFor({ state: "visible", timeout: 20000 });
      await field.fill(config.badServerPath);
      await field.press("Tab");
      // The extension notices the change and offers a restart: take it.
      const offer = page.locator(".notifications-toasts .notification-list-item", { hasText: "nixls.server.path changed" }).first();
      await offer.waitFor({ state: "visible", timeout: 30000 });
      await offer.locator(".monaco-button", { hasText: "Restart" }).click();
      report.notification = await waitFor("the error notification", async () => {
        const texts = await page.locator(".notifications-toasts .notification-list-item-message").allInnerTexts();
        const found = texts.filter((t) => t.includes("nixls"));
        return found.some((t) => t.includes(config.badServerPath)) ? found : false;
      }, 20000);
    }
  } catch (e) {
    if (page) await page.screenshot({ path: path.join(tmp, "failure.png") }).catch(() => {});
    report.failureScreenshot = path.join(tmp, "failure.png");
    throw e;
  } finally {
    report.serverLog = outputChannelText("Nix Language Server");
    if (browser) await browser.close();
    await stopGroup(server.pid, exited);
    report.codeServerOutput = serverOutput.split("\n").slice(-20);
  }
}

main().then(
  () => {
    report.ok = true;
    process.stdout.write(JSON.stringify(report));
  },
  (e) => {
    report.ok = false;
    report.error = String(e && e.stack ? e.stack : e);
    try {
      report.serverLog ??= outputChannelText("Nix Language Server");
    } catch {
      /* best effort */
    }
    process.stdout.write(JSON.stringify(report));
    process.exitCode = 1;
  },
);
