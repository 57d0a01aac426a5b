#!/usr/bin/env bash
# Installs the peer Claude Code guard hooks that Palisade's hook-latency
# benchmark compares against, into bench/peers/ (gitignored; never committed).
#
# Every peer installs from crates.io with `cargo install --locked`, pinned to an
# exact version so results are reproducible (dcg needs a source build with one
# lock-file adjustment; see install_dcg_from_source, recorded in
# peers/deviations.txt). Builds run with -j 1 by default (shared machines);
# override with JOBS=N.
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

# dcg 0.16.0 does not install as published with a stable toolchain here:
#  - its Cargo.lock pins webpki-roots 1.0.11, which the registry does not
#    serve (only up to 1.0.10), so `--locked` fails to resolve;
#  - without --locked, today's resolution pulls vergen 10.0.3 (rust-version
#    1.96, this machine has 1.95), and so does its own lock file;
#  - it pins a nightly toolchain (rust-toolchain.toml) and nightly rustflags
#    (.cargo/config.toml: -Z threads=4) that only affect build speed.
# So: unpack the published .crate into a temp dir, drop the toolchain/rustflag
# files, downgrade webpki-roots to 1.0.10 (a CA-root data crate only used by
# its self-updater), and build with the rest of its own lock file, ignoring
# the 1.96 rust-version of vergen (a build-script helper that compiles fine).
install_dcg_from_source() {
  local crate=$1 version=$2 src tmp
  src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$crate-$version.crate" 2>/dev/null | head -n1)
  if [ -z "$src" ]; then
    cargo info "$crate@$version" >/dev/null 2>&1  # downloads the .crate
    src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/cache/*/"$crate-$version.crate" 2>/dev/null | head -n1)
  fi
  [ -n "$src" ] || return 1
  tmp=$(mktemp -d)
  echo "[install-peers]   --locked failed; building $crate $version from its published source in $tmp"
  tar -xzf "$src" -C "$tmp" || return 1
  local dir="$tmp/$crate-$version"
  rm -rf "$dir/rust-toolchain.toml" "$dir/.cargo"
  (cd "$dir" && cargo update -p webpki-roots --precise 1.0.10) >>"$root/logs/dcg.log" 2>&1 || return 1
  (cd "$tmp" && cargo install --root "$root" --path "$dir" --locked --ignore-rust-version -j "$jobs") \
    >>"$root/logs/dcg.log" 2>&1 || return 1
  echo "dcg: built from source; Cargo.lock with webpki-roots 1.0.11 -> 1.0.10; --ignore-rust-version" \
    >>"$root/deviations.txt"
  rm -rf "$tmp"
}

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
    echo "[install-peers]   ok (--locked)"
  elif [ "$name" = dcg ] && install_dcg_from_source "$crate" "$version"; then
    echo "[install-peers]   ok (from the crate's source with its Cargo.lock, adjusted; see above)"
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
