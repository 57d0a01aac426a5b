#!/usr/bin/env bash
# Fetches the OASIS SARIF 2.1.0 JSON schema (as shipped in Microsoft's
# @microsoft/jest-sarif npm package, pinned) and the Python `jsonschema`
# validator, for the test that validates `palisade scan --format sarif`.
# Prints the schema's path. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/../.."
dest="target/sarif/sarif-schema-2.1.0.json"
if [ ! -s "$dest" ]; then
  mkdir -p target/sarif
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent @microsoft/jest-sarif@1.0.0-beta.0 >/dev/null)
  tar -xzf "$tmp"/microsoft-jest-sarif-1.0.0-beta.0.tgz -C "$tmp" package/lib/schemas/sarif-2.1.0-rtm.5.json
  mv "$tmp"/package/lib/schemas/sarif-2.1.0-rtm.5.json "$dest"
  rm -rf "$tmp"
fi
python3 -c 'import jsonschema' 2>/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check 'jsonschema>=4,<5' >&2
echo "$PWD/$dest"
