# planable-sync: the two commands a fresh machine needs, plus helpers.
# Each target installs the missing Debian packages first (scripts/install-deps), so nothing else is typed before.

SWIFT ?= $(shell command -v swift || echo /opt/swift/usr/bin/swift)
CONFIG ?= examples/planable-sync.yaml
BIN = .build/debug/planable-sync

.PHONY: demo plan status test deps build lint conformance bench bench-big clean-demo

## The main job: sync examples/ (a real Jekyll blog) into the embedded reference server, offline.
demo: build
	$(BIN) sync --config $(CONFIG)

plan: build
	$(BIN) plan --config $(CONFIG)

status: build
	$(BIN) status --config $(CONFIG)

## The test suite.
test: deps
	PLANABLE_SYNC_TEST_EXTRAS=1 scripts/install-deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

deps:
	scripts/install-deps

build: deps
	$(SWIFT) build --product planable-sync

lint:
	$(SWIFT) format lint --recursive --strict Sources Tests Package.swift

CONFORMANCE_EXAMPLES ?= 25

## The reference server against Planable's OpenAPI document, with schemathesis (installed into .build on first use).
conformance: build
	PLANABLE_SYNC_TEST_EXTRAS=1 scripts/install-deps
	scripts/conformance --max-examples $(CONFORMANCE_EXAMPLES)

bench: deps
	benchmarks/run-all

## The suite with the 100,000-item scale and daemon runs added; about 40 minutes on 2 cores.
bench-big: deps
	benchmarks/run-all --big

## Forget the demo's state and reference data, so the next `make demo` starts from scratch.
clean-demo:
	rm -rf examples/.state
