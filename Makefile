# Thin wrapper around CMake presets. Every target first installs what is missing.
#   make          release binary build/release/medfed
#   make test     ASan+UBSan build, then every test (ctest)
#   make demo     release build, then the 3-hospital demo study
#   make bench    release build, reference tools, then bench/ (ratios against R and plink)
#   make fuzz     libFuzzer targets (clang, ASan+UBSan), each run FUZZ_SECONDS (default 60)
#   make lint     formatting (.clang-format), clang-tidy and -Wthread-safety (docs/style.md)
.PHONY: all release deps deps-reference test demo bench fuzz lint clean

all: release

deps:
	@scripts/install-deps.sh

deps-reference:
	@scripts/install-deps.sh --reference

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

test: deps
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan
	@ctest --preset asan

# The demo needs the binary only, not the tests.
demo: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release --target medfed
	@build/release/medfed demo --out build/demo

bench: deps-reference release
	@bench/run_all.sh

lint: deps
	@scripts/lint.sh

FUZZ_SECONDS ?= 60
fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz
	@FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh

clean:
	rm -rf build
