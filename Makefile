# The two commands: `make up` (stack + demo season) and `make test` (everything, then stop).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: up down test test-unit browser-deps bench bench-quick bench-deps chaos venv infra-up status demo lock

up: venv infra-up           ## install, start PostgreSQL + Kafka + the four services + the web front end, run the demo season, its figures
	infra/stack.sh services-up
	infra/stack.sh run $(PY) -m zc.demo  # as the set-up step: the auditor's verification reads the databases as the administrator
	@$(PY) -m zc.web_addresses
	@echo "== the analysts' sink starts only now, late on purpose: it catches up from offset 0 of the feed"
	infra/stack.sh run $(PY) -m zc.cli analytics sink --from-beginning --until-caught-up
	infra/stack.sh run $(PY) -m zc.cli analytics report

down:                       ## stop what `make up` started (the season clock file is kept)
	infra/stack.sh down

test: venv bench-deps browser-deps  ## install, start what the tests need, run every test, stop what was started
	ZC_CHROMEDRIVER=$$(infra/chromium.sh) infra/stack.sh test -q -p no:cacheprovider

# The browser season's tools: Debian's chromium and chromium-driver (installed when missing).
browser-deps:
	@infra/chromium.sh >/dev/null

test-unit: venv             ## pure tests only: no PostgreSQL, no Kafka
	$(PY) -m pytest -q tests/unit tests/contracts

SECTION ?= all
BENCH_ARGS ?=                # e.g. "--tracing" (spans to files) or "--access-log off" (python -m zc.bench --help)
bench: venv bench-deps infra-up  ## the season and the parts beside their peers (SECTION=season|parts), reports/
	infra/stack.sh run $(PY) -m zc.bench --section $(SECTION) $(BENCH_ARGS)

bench-quick: venv bench-deps infra-up  ## every figure from tiny amounts, under a minute: the instrument works
	infra/stack.sh run $(PY) -m zc.bench --quick

# Benchmark-only tools: the eventsourcing peer and matplotlib (requirements-bench.lock), Kafka's
# perf tools from Maven Central (infra/bench/pom.xml), pgbench from Debian's packages.
bench-deps: $(VENV)/.bench-installed
	@infra/bench/kafka-tools.sh >/dev/null
	@infra/bench/pgbench.sh >/dev/null

$(VENV)/.bench-installed: requirements-bench.lock $(VENV)/.installed
	$(VENV)/bin/pip install -q --disable-pip-version-check -r requirements-bench.lock
	@touch $@

chaos: venv infra-up        ## faults under load (kill -9, Kafka/PostgreSQL restarts, SMS faults, poisons): a table, exit 1 on loss
	infra/stack.sh run $(PY) -m zc.chaos

status:                     ## PostgreSQL, Kafka, and the supervised services (running, ready, port)
	infra/stack.sh status

infra-up: venv
	infra/stack.sh infra-up

venv: $(VENV)/.installed

# Both locks carry sha256 hashes: pip refuses any download that differs from what was locked.
$(VENV)/.installed: requirements.lock requirements-test.lock pyproject.toml web/assets/package-lock.json
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check --require-hashes -r requirements.lock -r requirements-test.lock
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e .
	@infra/web-assets.sh >/dev/null
	@touch $@

lock:                       ## the hashes of a new pin: add `name==version` with these lines to the right lock
	@echo "pip download --no-deps -d /tmp/zc-lock NAME==VERSION && pip hash /tmp/zc-lock/*  (runtime deps: requirements.lock; test-only: requirements-test.lock)"
