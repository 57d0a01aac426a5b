#!/usr/bin/env bash
# Installs the peer Claude Code guard hooks that Palisade's hook-latency
# benchmark compares against, into bench/peers/ (gitignored; never committed).
#
# Every peer installs from crates.io with `cargo install --locked`, pinned to an
# exact version so results are reproducible. Builds run with -j 1 by default
# (shared machines); override with JOBS=N.
#
#   bash bench/install-peers.sh            # install all peers
#   bash bench/install-peers.sh railguard  # install just one
#
# A peer that fails to build is reported and skipped; the benchmark records it
# as "not installed" in its results rather than silently dropping it.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${PEERS_DIR:-$here/peers}"
jobs="${JOBS:-1}"

# name|crate|version|binary
peers=(
  "railguard|railguard|0.5.1|railguard"
  "dcg|destructive_command_guard|0.16.0|dcg"
  "vallum|vallum|0.8.16|vallum"
)

want=("$@")
mkdir -p "$root" "$root/logs"
status=0
for spec in "${peers[@]}"; do
  IFS='|' read -r name crate version bin <<<"$spec"
  if [ ${#want[@]} -gt 0 ] && [[ ! " ${want[*]} " =~ " $name " ]]; then
    continue
  fi
  if [ -x "$root/bin/$bin" ] && grep -q "\"$crate $version " "$root/.crates2.json" 2>/dev/null; then
    echo "[install-peers] $crate $version already installed ($root/bin/$bin)"
    continue
  fi
  echo "[install-peers] cargo install $crate@$version -> $root/bin/$bin (-j $jobs)"
  if cargo install --root "$root" "$crate" --version "=$version" --locked -j "$jobs" \
      >"$root/logs/$name.log" 2>&1; then
    echo "[install-peers]   ok"
  else
    echo "[install-peers]   FAILED (see $root/logs/$name.log)" >&2
    tail -n 20 "$root/logs/$name.log" >&2
    status=1
  fi
done
# Version manifest the benchmark reads (crate|version|binary per line).
: >"$root/versions.txt"
for spec in "${peers[@]}"; do
  IFS='|' read -r name crate version bin <<<"$spec"
  if [ -x "$root/bin/$bin" ]; then
    echo "$name|$crate|$version|$bin" >>"$root/versions.txt"
  fi
done
exit $status
