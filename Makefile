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
	@echo "make run: building yardtwin (a few minutes the first time, while Go fetches and compiles its modules; seconds after), then starting the twin fed by $(DEMO)"
	$(GO) build -o bin/yardtwin ./cmd/yardtwin
	./bin/yardtwin serve --demo $(DEMO)

.PHONY: build
build: ## build bin/yardtwin
	$(GO) build -o bin/yardtwin ./cmd/yardtwin

# The packages whose tests build events on fixed dates: make test runs them once more with the
# clock of every twin they start without pinning one moved a year ahead (estest.ClockShiftVariable).
DATED     = $(shell grep -rl --include='*_test.go' 'time\.Date.20[0-9][0-9], ' . | xargs -n1 dirname | sort -u)
CLOCKSHIFT ?= 8760h

.PHONY: test
test: ## run every test with the race detector, then the dated ones a year ahead (what CI runs)
	$(GO) vet ./...
	@# the slowest package takes 3 to 6 min on a busy 2-core machine, hence 20 min a package
	GO=$(GO) bash .ci/gotest race -race -count=1 -timeout 20m ./...
	@# tests on fixed dates must not depend on today's: run them as if a year had passed
	YARDTWIN_TEST_CLOCK_SHIFT=$(CLOCKSHIFT) GO=$(GO) bash .ci/gotest year-ahead -count=1 -timeout 20m $(DATED)

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

SOAKEVENTS ?= 12000000
SOAKVIA    ?= http

.PHONY: soak
soak: ## feed a simulated year (SOAKEVENTS=12000000) to serve over SOAKVIA=http|kafka; rates, memory, restart, time travel per million
	@mkdir -p out
	$(GO) test -tags soak -run '^$$' -bench Soak -benchtime 1x -timeout 6h ./cmd/yardtwin \
		-args -soak.events $(SOAKEVENTS) -soak.via $(SOAKVIA) -soak.out $(CURDIR)/out/soak-$(SOAKVIA).tsv | tee out/soak-$(SOAKVIA).txt

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
