# Two commands a person needs: `make serve` and `make test`. Everything else is plumbing for them.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.kamkit-installed
HOST   ?= 127.0.0.1
PORT   ?= 8866

.PHONY: serve test lint unit widget notebooks package server browser hub bench bench-each clean

# (Re)install when pyproject.toml changes; an editable install keeps the code live.
$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[lab,test,postgres,hub]"
	@touch $(STAMP)

serve: $(STAMP)
	$(BIN)/kamkit demo --if-empty
	$(BIN)/kamkit serve --host $(HOST) --port $(PORT)

test: lint unit widget notebooks package server browser hub

lint: $(STAMP)
	$(BIN)/ruff check kamkit tests benchmarks

unit: $(STAMP)
	$(BIN)/python -m pytest tests/unit

widget: $(STAMP)
	$(BIN)/python -m pytest tests/widget

# Notebooks run against a throw-away store, never the developer's own ~/.kamkit; KAMKIT_STRICT
# lets a bug in page start-up fail the cell instead of becoming a polite message. The demo gives
# this user a filled-in sample account, so every step page is really built; KAMKIT_ROLE lets the
# review dashboard (notebooks/review) open as it does under `kamkit review`.
notebooks: $(STAMP)
	tmp=$$(mktemp -d) && KAMKIT_HOME=$$tmp $(BIN)/kamkit demo >/dev/null && \
	  KAMKIT_HOME=$$tmp KAMKIT_STRICT=1 KAMKIT_ROLE=review $(BIN)/python -m pytest --nbval-lax -p no:cacheprovider notebooks exercises; \
	  status=$$?; rm -rf $$tmp; exit $$status

# A wheel of this repository in a fresh venv: what `pip install kamkit` gives a user.
package: $(STAMP)
	$(BIN)/python -m pytest tests/package

# Real servers spoken to as a script or an attacker would: HTTP and websockets, no browser.
server: $(STAMP)
	$(BIN)/python -m pytest tests/server

browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser

# A real JupyterHub on loopback with the config `kamkit hub-config` writes: trainees signed in by
# the hub, the review service for a hub group, a server killed mid-save. Needs
# configurable-http-proxy (npm) and, in CI, PostgreSQL (KAMKIT_TEST_PG_URL).
hub: $(STAMP)
	$(BIN)/python -m pytest tests/hub

# Every benchmark in turn (about an hour on 2 cores; run it on a quiet machine), then one table:
# each figure, its target, met or not (the same figures the README quotes).
BENCH_TABLE := build/bench-figures.jsonl
bench: $(STAMP)
	@mkdir -p build && rm -f $(BENCH_TABLE)
	KAMKIT_BENCH_TABLE=$(CURDIR)/$(BENCH_TABLE) $(MAKE) -k --no-print-directory bench-each; \
	status=$$?; $(BIN)/python benchmarks/summary.py $(BENCH_TABLE); exit $$status

# one target each, in this order: with -k a benchmark that fails leaves the others running
BENCHES = store_writes step_edits review_dashboard kernel_memory gate pages room_burst \
	browser_burst hub_burst
bench-each: $(addprefix bench-,$(BENCHES))

bench-%: $(STAMP)
	$(BIN)/python benchmarks/$*.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
