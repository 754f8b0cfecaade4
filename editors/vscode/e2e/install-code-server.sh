#!/usr/bin/env bash
# Install code-server (VS Code 1.100 with the real Node extension host) from
# the npm registry into DEST, without any download outside the registry.
# Idempotent: a finished install leaves DEST/.installed and is reused.
# Needs: node 20, npm, g++ and make, Debian's libkrb5-dev (kerberos) and ripgrep
# (editors/install-test-deps.sh installs those first, then runs this).
set -euo pipefail
CODE_SERVER_VERSION="${CODE_SERVER_VERSION:-4.100.3}"
DEST="${1:?usage: install-code-server.sh DEST}"
if [ -f "$DEST/.installed" ] && [ "$(cat "$DEST/.installed")" = "$CODE_SERVER_VERSION" ]; then
  exit 0
fi
rm -rf "$DEST"
mkdir -p "$DEST"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "code-server@$CODE_SERVER_VERSION" >/dev/null)
tar xzf "$work/code-server-$CODE_SERVER_VERSION.tgz" -C "$DEST" --strip-components=1
cd "$DEST"
# `npm install -g code-server` fails (nested install); its postinstall also
# downloads ripgrep, so install with scripts off and rebuild natives by hand.
npm install --silent --no-audit --no-fund --omit=dev --ignore-scripts
npm rebuild --silent argon2
cd lib/vscode
npm install --silent --no-audit --no-fund --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
cp "$(command -v rg)" node_modules/@vscode/ripgrep/bin/rg
npm rebuild --silent @parcel/watcher @vscode/spdlog kerberos native-watchdog node-pty || true
(cd extensions && npm install --silent --no-audit --no-fund --omit=dev)
ln -sfn node_modules node_modules.asar
(cd bin/remote-cli && ln -sfn code-linux.sh code-server)
(cd bin/helpers && ln -sfn browser-linux.sh browser.sh)
echo "$CODE_SERVER_VERSION" > "$DEST/.installed"
