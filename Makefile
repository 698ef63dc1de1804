# The README's commands. `make test` is what CI runs (.ci/run).
.PHONY: run test bench build screenshots

run:
	go run ./cmd/beseda serve --demo

test:
	./scripts/test

# ./beseda, as the release is built (static, with its version and commit).
build:
	scripts/build-release .

# Every benchmark of BENCHMARKS.md with its own settings; the load test is
# scripts/load.
bench:
	./scripts/bench

# PNGs of every console screen at 1280 and 390 px, from a demo, in docs/screenshots.
screenshots:
	BESEDA_SCREENSHOTS=$(CURDIR)/docs/screenshots go test ./web -run TestScreenshots -count=1 -v
