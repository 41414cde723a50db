# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/npm/node_modules/.bin:$(HOME)/.cargo/bin:$(PATH)

ACADEMY := ./target/release/academy
# --split: each island's code is its own wasm file, loaded by the pages that
# have that island (docs/PERFORMANCE.md); pages without islands load none.
BUILD := cargo leptos build --release --split
export ACADEMY_DATABASE_URL ?= data/academy.db

.PHONY: run test setup build lint clean-data

# The demo's certification body, as its credentials name their issuer.
run: export ACADEMY_ISSUER_NAME ?= 国家清洁生产中心 National Cleaner Production Centre
run: export ACADEMY_ISSUER_EMAIL ?= certification@academy.test

## Install what is missing, build, create the database with the demo world
## on first start, and serve http://127.0.0.1:3000.
run:
	./scripts/setup.sh
	$(BUILD)
	@if [ ! -f "$(ACADEMY_DATABASE_URL)" ]; then \
		$(ACADEMY) migrate && $(ACADEMY) demo; \
	fi
	$(ACADEMY) serve

## Install what tests need and run every test: unit, integration and browser
## (headless Chromium against the release build).
test:
	./scripts/setup.sh --test
	$(BUILD)
	@# A second full run separates a rare environmental hiccup from a real
	@# failure, which fails both. (The server-rendered pages that once never
	@# answered here were leptos issue #4773, avoided in server/src/routes.rs.)
	cargo test --workspace --no-fail-fast || { echo "test run failed; running once more"; cargo test --workspace --no-fail-fast; }

setup:
	./scripts/setup.sh --test

build:
	$(BUILD)

## Formatting and clippy for the server build and the wasm build.
lint:
	cargo fmt --all --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p front --lib --no-default-features --features hydrate --target wasm32-unknown-unknown -- -D warnings

## Forget the local database (the next `make run` loads the demo world again).
clean-data:
	rm -f data/academy.db data/academy.db-wal data/academy.db-shm
