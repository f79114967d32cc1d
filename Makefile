# emu3-swift. The two commands on a fresh Debian 12 machine:
#   make demo    set up, build, and run the main job on the embedded emu3-tiny model
#   make test    set up and run the tests
SHELL := /bin/bash
SWIFT ?= swift
BUILD_FLAGS ?=
export EMU3_CACHE_DIR ?= $(HOME)/.cache/emu3-swift

.PHONY: all setup vocab build release test demo bench check-proto proto tiny-model clean help

all: build

help:
	@echo "make demo        set up, build, run the pipeline on emu3-tiny"
	@echo "make test        set up, then swift test (all targets)"
	@echo "make bench       benchmarks against the reference (not tests)"
	@echo "make proto       regenerate Shared/CEmu3Proto from proto/"
	@echo "make tiny-model  retrain models/emu3-tiny (Python venv in tools/, 60-100 min on 2 cores, by the CPU)"

setup:
	@scripts/setup.sh

vocab: setup
	@if [ -x scripts/fetch-qwen-vocab.sh ]; then scripts/fetch-qwen-vocab.sh; fi

build: setup
	$(SWIFT) build $(BUILD_FLAGS)

release: setup
	$(SWIFT) build -c release $(BUILD_FLAGS)

test: setup vocab check-proto
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	$(SWIFT) test --skip-build $(BUILD_FLAGS)

demo: setup
	$(SWIFT) build $(BUILD_FLAGS)
	@scripts/demo.sh "$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)"

bench: setup vocab
	$(SWIFT) build -c release $(BUILD_FLAGS)
	@scripts/bench.sh "$$($(SWIFT) build -c release $(BUILD_FLAGS) --show-bin-path)"

proto:
	scripts/gen-proto.sh
	clients/python/gen_proto.sh

check-proto:
	@scripts/check-proto.sh

# the Swift services are built first so that the evaluation measures them too (EMU3_TINY_BIN)
tiny-model: build
	EMU3_TINY_BIN="$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)" tools/emu3_tiny/train_all.sh

clean:
	rm -rf .build
