# yardtwin — run `make help` for the targets. `make run` and `make test` need only Go and make.

GO        ?= go
DEMO      ?= scenarios/tangermed/demo.yaml
BENCHCOUNT ?= 6
BENCHSTAT ?= golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@awk 'BEGIN {FS = ":.*## "} /^[a-z][a-z-]*:.*## / {printf "  %-8s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: run
run: ## start the twin on its embedded defaults, fed by the demo scenario; open the printed address
	$(GO) run ./cmd/yardtwin serve --demo $(DEMO)

.PHONY: build
build: ## build bin/yardtwin
	$(GO) build -o bin/yardtwin ./cmd/yardtwin

.PHONY: test
test: ## run every test with the race detector (what CI runs)
	$(GO) vet ./...
	$(GO) test -race -count=1 -timeout 20m ./...  # the slowest package takes 3 to 6 min on a busy 2-core machine

.PHONY: bench
bench: ## run the benchmarks $(BENCHCOUNT) times and print medians (benchstat)
	@mkdir -p out
	@# fixed workloads (one run = 200 k HTTP events, a 1 M-event rebuild, a simulated week, …)
	$(GO) test -run '^$$' -bench . -benchtime 1x -count $(BENCHCOUNT) -timeout 60m \
		./cmd/yardtwin ./adapters/bolt ./simulator | tee out/bench.txt
	@# per-message benchmarks: Kafka against an in-process broker, point location
	$(GO) test -run '^$$' -bench . -benchtime 200000x -count $(BENCHCOUNT) ./adapters/kafka | tee -a out/bench.txt
	$(GO) test -run '^$$' -bench . -count $(BENCHCOUNT) ./domain/yard | tee -a out/bench.txt
	$(GO) run $(BENCHSTAT) out/bench.txt

.PHONY: lint
lint: ## gofmt and go vet
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }
	$(GO) vet ./...

.PHONY: up
up: ## with Docker: Kafka, KurrentDB, an ingest and a query twin; returns once all are healthy
	docker compose up -d --build --wait
	@echo "map and API: http://127.0.0.1:8080/  ingest: http://127.0.0.1:8081/  Kafka: 127.0.0.1:29092"

.PHONY: down
down: ## stop what `make up` started (the data volumes stay; docker compose down -v drops them)
	docker compose down
