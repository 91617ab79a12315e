# Mirrors CI: `make test` is exactly what .ci/run runs.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/frontdesk/target

.PHONY: test check demo deps bindings fmt ui e2e bench bench-kiosk package

test:
	scripts/test.sh

# The quick loop before a commit: formatting, lints and unit tests; installs nothing.
check:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo test --workspace --lib --bins
	cd ui && npm run --silent check && npm run --silent test

# The release installer (.deb here; .msi/.dmg on Windows/macOS).
package:
	scripts/package.sh

demo:
	scripts/demo.sh

deps:
	scripts/deps.sh

bindings:
	cargo run --quiet -p frontdesk-core --example export-bindings -- ui/src/lib/bindings

fmt:
	cargo fmt --all

ui:
	cd ui && npm run build

e2e:
	tests/e2e/run.sh

bench:
	cargo bench -p frontdesk-core --bench store

# The kiosk on the release build: start to interactive, preview fps, idle memory, returning visitor.
bench-kiosk:
	FRONTDESK_E2E_PROFILE=release FRONTDESK_E2E_ONLY=bench tests/e2e/run.sh
