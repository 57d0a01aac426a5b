#!/usr/bin/env bash
# Installs the peer auditors that bench/supply_audit.py compares Palisade's
# dependency gate against, into bench/peers/supply/ (gitignored; never
# committed). Not run in CI.
#
#   bash bench/install-supply-peers.sh
#
# - pip-audit (PyPI, pinned below) into the venv bench/peers/supply/venv.
# - npm audit: the `npm` that comes with Node on the machine (not installed
#   here; its version is recorded).
#
# What was found is written to bench/peers/supply/versions.txt.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
DEST="$HERE/peers/supply"
PIP_AUDIT_VERSION="${PIP_AUDIT_VERSION:-2.10.1}"
mkdir -p "$DEST"
if [ ! -x "$DEST/venv/bin/pip-audit" ] || ! "$DEST/venv/bin/pip-audit" --version | grep -q "$PIP_AUDIT_VERSION"; then
  python3 -m venv "$DEST/venv"
  "$DEST/venv/bin/pip" install --quiet --disable-pip-version-check "pip-audit==$PIP_AUDIT_VERSION"
fi
{
  echo "pip-audit $("$DEST/venv/bin/pip-audit" --version | awk '{print $2}')"
  if command -v npm >/dev/null; then echo "npm $(npm --version) (node $(node --version))"; else echo "npm not found"; fi
} > "$DEST/versions.txt"
cat "$DEST/versions.txt"
