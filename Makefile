# One command runs the app with demo data (make run), one runs every test (make test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app planner
export PLANNER_ENV ?= development

.PHONY: run test fuzz lint translations assets extract-messages clean bench

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependency list changes.
$(VENV)/.installed-run: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(VENV)/.installed-run $@

translations: $(VENV)/.installed-run
	$(BIN)/pybabel -q compile --use-fuzzy -d planner/translations

# The served static files: hashed names, gzip and brotli copies, a manifest (README, Operations).
assets: $(VENV)/.installed-run
	$(FLASK) planner assets

extract-messages: $(VENV)/.installed-run
	$(BIN)/pybabel -q extract -F babel.cfg -k _l -k lazy_gettext -o planner/translations/messages.pot .
	$(BIN)/pybabel -q update -N -i planner/translations/messages.pot -d planner/translations

# The web server and a job worker (planner serve), both stopped by Ctrl-C.
run: $(VENV)/.installed-run translations assets
	$(FLASK) db upgrade
	$(FLASK) planner seed-demo --if-empty
	@echo "Planner is at http://127.0.0.1:5000"
	$(FLASK) planner serve --host 127.0.0.1 --port 5000

# ical.js (Thunderbird's iCalendar parser) reads the feeds in tests/calendars; its tests skip without node.
ICALJS := tests/calendars/node
$(ICALJS)/node_modules/.installed: $(ICALJS)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(ICALJS) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the ical.js tests will skip"; fi

# axe-core (Deque's accessibility rules) checks the main pages in tests/e2e/test_accessibility.py.
AXE := tests/e2e/node
$(AXE)/node_modules/.installed: $(AXE)/package-lock.json
	@if command -v npm >/dev/null; then npm ci --prefix $(AXE) --no-audit --no-fund --loglevel=error && touch $@; \
	else echo "npm not found: the accessibility tests will skip"; fi

test: $(VENV)/.installed-dev translations assets $(ICALJS)/node_modules/.installed $(AXE)/node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/bandit -c pyproject.toml -r planner -q
	env -u PLANNER_TEST_DATABASE_URL $(BIN)/pytest -q
	@if [ -n "$$PLANNER_TEST_DATABASE_URL" ]; then \
		echo "== the same suite on PostgreSQL"; \
		$(BIN)/pytest -q; \
	fi

# Benchmarks on dataset L (README, Benchmarks): SQLite, or PostgreSQL with PLANNER_BENCH_DATABASE_URL.
# wrk drives the load against gunicorn; without it (and without root to install it) a Python client does.
bench: $(VENV)/.installed-run translations
	@command -v wrk >/dev/null || { [ "$$(id -u)" = 0 ] && apt-get install -y -qq wrk >/dev/null; } || \
		echo "wrk not found: a threaded Python client measures the load instead"
	$(BIN)/python bench/run.py

# The long fuzz: many more schemathesis examples per API operation and role, and many more property
# examples, on SQLite and (when PLANNER_TEST_DATABASE_URL is set) on PostgreSQL. Each run prints its request count.
FUZZ_EXAMPLES ?= 150
FUZZ_FACTOR ?= 20
FUZZ_TESTS := tests/security/test_api_fuzz.py tests/properties
fuzz: $(VENV)/.installed-dev translations
	env -u PLANNER_TEST_DATABASE_URL PLANNER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) PLANNER_FUZZ_FACTOR=$(FUZZ_FACTOR) \
		$(BIN)/pytest -q -p no:randomly -s $(FUZZ_TESTS)
	@if [ -n "$$PLANNER_TEST_DATABASE_URL" ]; then \
		echo "== the API fuzz on PostgreSQL"; \
		PLANNER_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q -p no:randomly -s tests/security/test_api_fuzz.py; \
	fi

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/bandit -c pyproject.toml -r planner -q

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache planner/static_build
	find planner/translations -name '*.mo' -delete
