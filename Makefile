# Mirrors CI: `make test` is exactly what .ci/run runs.
export CARGO_TARGET_DIR ?= $(HOME)/.cache/frontdesk/target

.PHONY: test demo deps bindings fmt ui e2e bench

test:
	scripts/test.sh

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
