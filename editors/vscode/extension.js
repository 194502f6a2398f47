// @ts-check
// The ordspec extension: highlighting comes from the grammar in syntaxes/; everything else from
// `ordspec server`, started from the Python environment the settings name. Plain JavaScript:
// nothing to build.
"use strict";

const fs = require("fs");
const path = require("path");
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

/** @type {LanguageClient | undefined} */
let client;

/** The first workspace folder's path, if any. */
function folder() {
  const folders = vscode.workspace.workspaceFolders;
  return folders && folders.length ? folders[0].uri.fsPath : undefined;
}

/** @param {string} text */
function expand(text) {
  const root = folder();
  return root ? text.replace(/\$\{workspaceFolder\}/g, root) : text;
}

/** How to start the server: `ordspec.path` + `server`, or `<interpreter> -m ordspec server`. */
function serverCommand() {
  const settings = vscode.workspace.getConfiguration("ordspec");
  const command = /** @type {string[]} */ (settings.get("path") || []).map(expand);
  if (command.length) {
    return { command: command[0], args: [...command.slice(1), "server"] };
  }
  let python = expand(/** @type {string} */ (settings.get("interpreter") || ""));
  if (!python) {
    const root = folder();
    const venv = root && [".venv/bin/python", ".venv/Scripts/python.exe"].map((p) => path.join(root, p)).find((p) => fs.existsSync(p));
    python = venv || (process.platform === "win32" ? "python" : "python3");
  }
  return { command: python, args: ["-m", "ordspec", "server"] };
}

async function start() {
  const run = { ...serverCommand(), options: { cwd: folder() } };
  client = new LanguageClient(
    "ordspec",
    "ordspec",
    { run, debug: run },
    {
      // .ord files, and YAML (the server leaves YAML that is not an order file alone)
      documentSelector: [
        { scheme: "file", language: "ordspec" },
        { scheme: "untitled", language: "ordspec" },
        { scheme: "file", language: "yaml" },
      ],
      synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher("**/{ordspec.toml,pyproject.toml,*.csv}") },
    }
  );
  try {
    await client.start();
  } catch (error) {
    vscode.window.showErrorMessage(
      `ordspec: could not start \`${run.command} ${run.args.join(" ")}\` (${error}). ` +
        "Install ordspec with its server extra (pip install 'ordspec[server]') and set ordspec.interpreter or ordspec.path."
    );
  }
}

async function stop() {
  if (client) {
    const running = client;
    client = undefined;
    await running.stop();
  }
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand("ordspec.restart", async () => {
      await stop();
      await start();
    }),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("ordspec")) {
        await stop();
        await start();
      }
    })
  );
  await start();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
