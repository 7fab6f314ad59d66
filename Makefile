# The two commands of the README: `make run` and `make test`.
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node_modules/binaryen/bin:$(HOME)/.cargo/bin:$(PATH)
# The same LEPTOS_* values cargo-leptos bakes in, so `cargo test` reuses its build cache.
export LEPTOS_OUTPUT_NAME := desk

.PHONY: run dev test tools lighthouse reliability bench instances

tools:
	@scripts/install-tools.sh

## Build and serve on http://127.0.0.1:3000 with SQLite at ./data/desk.db and demo data.
run: tools
	cargo leptos build --release --split --precompress
	APP_DEMO=1 LEPTOS_SITE_ROOT=target/site LEPTOS_HASH_FILES=true LEPTOS_ENV=PROD target/release/server

## Watch loop for development: rebuilds and reloads on save (debug build, SQLite, demo data).
dev: tools
	APP_DEMO=1 cargo leptos watch --split

## Everything: format, clippy, unit + integration on SQLite and PostgreSQL, end2end in Chromium.
test: tools
	@scripts/test.sh

## Lighthouse (mobile) on the login page, the dashboard and the submit form; see BENCHMARKS.md.
lighthouse: tools
	@scripts/lighthouse.sh

## Two server processes on one PostgreSQL and one S3 bucket behind a load balancer; one is
## killed mid-chat (server/tests/it/deployment.rs). Starts the bucket and the mail server.
instances: tools
	@scripts/instances.sh

## The long survival runs: SIGKILL mid-load, PostgreSQL cut under load, long fuzz; see BENCHMARKS.md.
reliability: tools
	@scripts/reliability.sh

## Load figures (release build): dashboard, submit, login, chat sockets, client sizes; see BENCHMARKS.md.
bench: tools
	@scripts/bench.sh
