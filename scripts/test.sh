#!/usr/bin/env bash
# Every check CI runs, in order: formatting, lints, generated-bindings drift, UI type check and unit
# tests, all Rust tests (core, CLI, desktop shell, vision, documents) and the end-to-end test of the
# real window under Xvfb.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/frontdesk/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n==> %s\n' "$*"; }

step "dependencies"
scripts/deps.sh

step "cargo fmt --check"
cargo fmt --all --check

step "UI build (the desktop package embeds it)"
(cd ui && npm run --silent build)

step "cargo clippy -D warnings"
cargo clippy --workspace --all-targets -- -D warnings

step "generated TypeScript bindings are up to date"
cargo run --quiet -p frontdesk-core --example export-bindings -- ui/src/lib/bindings >/dev/null
if [ -n "$(git status --porcelain -- ui/src/lib/bindings)" ]; then
  git status --short -- ui/src/lib/bindings
  echo "bindings drifted: run 'make bindings' and commit the result" >&2
  exit 1
fi

step "UI type check and unit tests"
(cd ui && npm run --silent check && npm run --silent test)

step "cargo test --workspace"
# shellcheck source=null-audio.sh
source scripts/null-audio.sh
cargo test --workspace

step "end-to-end: the real window"
tests/e2e/run.sh
