# The README's commands. `make test` is what CI runs (.ci/run).
.PHONY: run test bench build

run:
	go run ./cmd/beseda serve --demo

test:
	./scripts/test

build:
	go build -o beseda ./cmd/beseda

bench:
	go test ./... -run '^$$' -bench . -benchmem
