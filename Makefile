# docketwatch — the two commands of the README:
#   make demo   the whole pipeline on embedded defaults against the court simulator
#   make test   every test (installs everything first: Python packages, Kafka jars,
#               the ClickHouse clients, Alertmanager)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo up down test install kafka clients alertmanager system-deps lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $(STAMP)

.cache/kafka/libs/.complete: deploy/kafka/pom.xml
	deploy/kafka/broker.sh fetch

kafka: .cache/kafka/libs/.complete

system-deps:
	deploy/install-system-deps.sh

# ClickHouse clients the tests run against the aggregator's ClickHouse HTTP interface: the
# JDBC driver (Maven Central) and @clickhouse/client (npm ci); idempotent.
clients:
	deploy/clients/fetch.sh all

# Prometheus Alertmanager v0.28.1 for the alert-delivery tests, built with `go install` from
# the Go module proxy into .cache/alertmanager/bin (about a minute, once; idempotent).
alertmanager:
	deploy/alertmanager/fetch.sh

install: $(STAMP) kafka

demo: install
	$(BIN)/docketwatch demo

# The live monitor, supervised, against the court simulator (docketwatch up --simulator);
# `make down` stops it. For the real courts: .venv/bin/docketwatch up (docs/operations.md).
up: install
	$(BIN)/docketwatch up --simulator

down:
	$(BIN)/docketwatch down

test: install system-deps clients alertmanager
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/lint-imports

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf var .pytest_cache
