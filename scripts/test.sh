#!/usr/bin/env bash
# Runs Palisade's whole test suite: unit, integration, guard-pack examples,
# and the end-to-end test that drives the real Claude Code CLI (installed
# from the npm registry at a pinned version) against a local mock model,
# the SARIF output checked against the OASIS schema, and the `palisade ui`
# page in a headless Chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
claude="$(bash tests/e2e/install-claude.sh)"
export PALISADE_E2E_CLAUDE="$claude"
export PALISADE_E2E_REQUIRED=1
# The OASIS SARIF 2.1.0 schema and a validator, for `palisade scan --format sarif`.
PALISADE_SARIF_SCHEMA="$(bash tests/sarif/fetch-schema.sh)"
export PALISADE_SARIF_SCHEMA
# The pre-commit framework, to run the shipped .pre-commit-hooks.yaml.
command -v pre-commit >/dev/null ||
  python3 -m pip install --quiet --disable-pip-version-check 'pre-commit>=3,<5' >&2
# curl and util-linux's unshare drive the sandbox's network and fallback
# attack tests (which skip, saying so, where a tool is missing).
if ! command -v curl >/dev/null || ! command -v unshare >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && apt-get install -y -qq curl util-linux >&2
  fi
fi
# Chromium and its WebDriver drive the `palisade ui` page in a real headless
# browser (crates/palisade-cli/tests/ui.rs); Debian's packages, about 25 s
# to install with the apt-get update on a 2-core machine.
if ! command -v chromedriver >/dev/null || ! command -v chromium >/dev/null; then
  if command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >&2
  fi
fi
PALISADE_CHROMEDRIVER="$(command -v chromedriver || true)"
PALISADE_CHROMIUM="$(command -v chromium || true)"
export PALISADE_CHROMEDRIVER PALISADE_CHROMIUM
cargo test --workspace --locked
