# Thin wrapper over CMake/CTest. `make run` and `make test` do all set-up.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
# Tests of threaded code, run again under ThreadSanitizer.
TSAN_TESTS ?= scan
FUZZ_BUILD ?= build-fuzz
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
FUZZ_SECONDS ?= 60
DATA_DIR   ?= $(CURDIR)/$(BUILD)/demo-data

.PHONY: all build deps run test test-asan test-tsan fuzz bench clean

all: build

deps:
	@bash scripts/deps.sh all

$(BUILD)/Makefile: CMakeLists.txt
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null

build: $(BUILD)/Makefile
	cmake --build $(BUILD) -j$(JOBS)
	@ln -sf $(BUILD)/compile_commands.json compile_commands.json

# The main job: collect this host's inventory and summarise it (demo, no network).
run:
	@bash scripts/deps.sh build
	@$(MAKE) --no-print-directory build >/dev/null
	@bash scripts/demo.sh $(BUILD)/khien $(DATA_DIR)

test:
	@bash scripts/deps.sh test
	@$(MAKE) --no-print-directory build
	cd $(BUILD) && ctest --output-on-failure -j$(JOBS)
	@$(MAKE) --no-print-directory test-tsan
	@$(MAKE) --no-print-directory test-asan

test-asan:
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKHIEN_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j$(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j$(JOBS)

test-tsan:
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DKHIEN_TSAN=ON >/dev/null
	cmake --build $(TSAN_BUILD) -j$(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 suppressions=$(CURDIR)/tests/tsan.supp" \
	  ctest --output-on-failure -j$(JOBS) -R '$(TSAN_TESTS)'

# Runs every libFuzzer harness for FUZZ_SECONDS each (see docs/fuzzing.md).
fuzz:
	@bash scripts/deps.sh fuzz
	CC=clang-14 cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DKHIEN_FUZZ=ON -DKHIEN_SANITIZE=ON >/dev/null
	cmake --build $(FUZZ_BUILD) -j$(JOBS)
	bash scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

bench: build
	bash bench/run.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD) $(FUZZ_BUILD)
