#!/usr/bin/env bash
# Installs the pinned Claude Code CLI used by the end-to-end test into
# <repo>/target/e2e/claude and prints the path of its `claude` executable.
#
# Idempotent: if the pinned version is already installed and runs, nothing is
# downloaded. Needs `npm` and access to the npm registry (nothing else).
#
# Usage: tests/e2e/install-claude.sh            # prints /…/claude on stdout
#        CLAUDE_CODE_VERSION=2.1.197 tests/e2e/install-claude.sh
set -euo pipefail

VERSION="${CLAUDE_CODE_VERSION:-2.1.197}"
PKG="@anthropic-ai/claude-code"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
prefix="${PALISADE_E2E_PREFIX:-$repo/target/e2e/claude}"

die() { echo "install-claude.sh: error: $*" >&2; exit 1; }

# Candidates for the executable, best first. npm links node_modules/.bin/claude
# to bin/claude.exe; in 2.1.x that is the native binary for this platform
# (hard-linked from the optional @anthropic-ai/claude-code-<platform> package),
# and it runs even when npm skipped the postinstall script. The platform
# package's own binary is the fallback.
candidates() {
  local c
  for c in "$prefix/node_modules/.bin/claude" \
           "$prefix/node_modules/$PKG/bin/claude.exe" \
           "$prefix"/node_modules/@anthropic-ai/claude-code-*/claude; do
    [ -f "$c" ] && [ -x "$c" ] && echo "$c"
  done
  return 0
}

installed_version() {
  local pj="$prefix/node_modules/$PKG/package.json"
  [ -f "$pj" ] || return 1
  node -e 'process.stdout.write(require(process.argv[1]).version)' "$pj" 2>/dev/null
}

works() { # $1 = executable; prints nothing, succeeds if `--version` reports VERSION
  local out home rc=0
  home="$(mktemp -d)"
  out="$(env -i PATH="$PATH" HOME="$home" DISABLE_AUTOUPDATER=1 CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC=1 \
        timeout 60 "$1" --version </dev/null 2>/dev/null)" || rc=1
  rm -rf "$home"
  [ "$rc" = 0 ] || return 1
  case "$out" in *"$VERSION"*) return 0 ;; *) return 1 ;; esac
}

find_working() { # prints the first candidate that runs and reports VERSION
  local c
  while IFS= read -r c; do
    if works "$c"; then echo "$c"; return 0; fi
  done < <(candidates)
  return 1
}

if [ "$(installed_version || true)" = "$VERSION" ] && exe="$(find_working)"; then
  echo "$exe"
  exit 0
fi

command -v npm >/dev/null 2>&1 || die "npm not found on PATH (install Node.js >= 18 and npm)"
mkdir -p "$prefix"
# A package.json in the prefix keeps npm from walking up to the repo.
[ -f "$prefix/package.json" ] || echo '{"name":"palisade-e2e-claude","private":true}' >"$prefix/package.json"
echo "install-claude.sh: installing $PKG@$VERSION into $prefix" >&2
if ! npm i --prefix "$prefix" --no-audit --no-fund --save-exact "$PKG@$VERSION" >&2; then
  die "npm install of $PKG@$VERSION failed (is the npm registry reachable?)"
fi

got="$(installed_version || true)"
[ "$got" = "$VERSION" ] || die "expected $PKG@$VERSION in $prefix, found '${got:-nothing}'"
[ -n "$(candidates)" ] || die "installed $PKG@$VERSION but found no claude executable under $prefix/node_modules"
exe="$(find_working)" || die "no claude executable under $prefix/node_modules reports $VERSION with --version (candidates: $(candidates | tr '\n' ' '); run one by hand to see why)"
echo "$exe"
