#!/usr/bin/env bash
# Runs Palisade's whole test suite: unit, integration, guard-pack examples,
# and the end-to-end test that drives the real Claude Code CLI (installed
# from the npm registry at a pinned version) against a local mock model.
set -euo pipefail
cd "$(dirname "$0")/.."
claude="$(bash tests/e2e/install-claude.sh)"
export PALISADE_E2E_CLAUDE="$claude"
export PALISADE_E2E_REQUIRED=1
cargo test --workspace --locked
