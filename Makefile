# flink-savepoint — developer entry points. `make help` lists them.
SHELL := /bin/bash
CARGO ?= cargo
PREFIX ?= $(HOME)/.local
BINDIR ?= $(PREFIX)/bin

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: build
build: ## Build every crate (debug)
	$(CARGO) build --workspace --locked

.PHONY: release
release: ## Build the plugin and webhook optimised
	$(CARGO) build --release --locked -p kubectl-savepoint -p savepoint-webhook

.PHONY: fmt
fmt: ## Format all code
	$(CARGO) fmt --all

.PHONY: fmt-check
fmt-check: ## Fail if code is not formatted
	$(CARGO) fmt --all -- --check

.PHONY: lint
lint: ## clippy on every target, warnings are errors; the fuzz targets (their own workspace) type-check; no import loops in the library, plugin or webhook
	$(CARGO) clippy --workspace --all-targets --locked -- -D warnings
	$(CARGO) check --manifest-path fuzz/Cargo.toml --bins --locked
	@for dir in src plugin/src webhook/src; do python3 scripts/import-loops.py $$dir || exit 1; done

.PHONY: realk8s
realk8s: ## Build the real kube-apiserver + etcd (pinned Go modules, tests/realk8s) into target/realk8s/bin; only when a pin changed
	tests/realk8s/build.sh

.PHONY: flink-live
flink-live: ## Compile tests/flink-capture and resolve its class path (Java 17 + Maven; Flink from Maven Central) for the live-Flink e2e tier
	mvn -B -q -f tests/flink-capture/pom.xml compile dependency:build-classpath
	touch tests/flink-capture/target/classpath.txt

.PHONY: unit
unit: realk8s flink-live ## Run the whole test suite only (no fmt/clippy): library, sandbox tier, real API server tier, live-Flink tier
	$(CARGO) build --workspace --locked --bins
	tests/realk8s/summary.sh all $(CARGO) test --workspace --locked --no-fail-fast

.PHONY: e2e-real
e2e-real: realk8s flink-live ## The shared end-to-end suite against the real kube-apiserver only (tests named real::*)
	$(CARGO) build --workspace --locked --bins
	tests/realk8s/summary.sh e2e-real $(CARGO) test --workspace --locked --no-fail-fast -- real::

.PHONY: test
test: fmt-check lint unit ## fmt check + clippy + every test, both tiers (what CI runs)

.PHONY: demo
demo: ## Show the product working: sandbox API server + operator simulator + webhook + plugin via real kubectl
	$(CARGO) build --locked -p flink-sandbox -p savepoint-webhook -p kubectl-savepoint
	./target/debug/flink-demo

.PHONY: install
install: ## Install kubectl-savepoint and its completion entry point into $(BINDIR)
	$(CARGO) build --release --locked -p kubectl-savepoint
	install -d $(BINDIR)
	install -m 0755 target/release/kubectl-savepoint $(BINDIR)/kubectl-savepoint
	ln -sf kubectl-savepoint $(BINDIR)/kubectl_complete-savepoint
	@echo "installed $(BINDIR)/kubectl-savepoint (+ kubectl_complete-savepoint); make sure $(BINDIR) is on PATH"

.PHONY: bench
bench: ## Benchmarks in release mode (webhook vs floor, decision function, plugin list -A vs kubectl, start-up); table also in target/bench/results.md
	$(CARGO) build --release --locked -p savepoint-webhook -p kubectl-savepoint -p flink-savepoint-bench
	target/release/flink-savepoint-bench

.PHONY: flink-fixtures
flink-fixtures: ## Regenerate tests/fixtures/flink-rest/<version>/ from real Flink 1.20 and 2.1 MiniClusters (Java 17 + Maven; not part of `make test`)
	mvn -B -q -f tests/flink-capture/pom.xml clean compile exec:exec
	mvn -B -q -f tests/flink-capture/pom.xml -Pflink2 clean compile exec:exec

.PHONY: fuzz
fuzz: ## Fuzz every target for FUZZ_SECONDS (default 30) each, seeded from the fixtures (stable toolchain via RUSTC_BOOTSTRAP=1)
	fuzz/scripts/run.sh
