# Two commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test test-fast lint format venv dev clean wheelhouse bench load

# With a wheelhouse/ folder (made by `make wheelhouse` while online) installs need no network.
PIP_SOURCE := $(if $(wildcard wheelhouse/*.whl),--no-index --find-links wheelhouse,)

$(BIN)/.runtime: requirements.txt
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q $(PIP_SOURCE) -r requirements.txt
	touch $@

$(BIN)/.dev: requirements-dev.txt requirements.txt $(BIN)/.runtime
	$(BIN)/pip install -q $(PIP_SOURCE) -r requirements-dev.txt
	touch $@

wheelhouse:  ## download every wheel once, for installing on a machine with no network (e.g. a classroom)
	$(PY) -m pip download -q -d wheelhouse -r requirements-dev.txt

venv: $(BIN)/.runtime
dev: $(BIN)/.dev

run: $(BIN)/.runtime  ## serve the app on the bundled data (no network needed)
	$(BIN)/python -m streamlit run app.py --server.port $(PORT) --server.address 127.0.0.1

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(BIN)/.dev lint  ## ruff, then every test: unit, AppTest and the real browser
	$(BIN)/python -m pytest

test-fast: $(BIN)/.dev  ## the inner loop: ruff, unit and AppTest tests, no browser (about 2 minutes)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not e2e"

bench: $(BIN)/.dev  ## our app vs a bare Streamlit floor app: prints a table, writes bench-results.json
	$(BIN)/python -m bench.run $(BENCH_ARGS)

load: $(BIN)/.dev  ## N concurrent headless Chromium sessions against one server (LOAD_ARGS="--sessions 10 --duration 60")
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
