# Two commands for a fresh machine: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
# 127.0.0.1: this machine only. `make serve-lan` (= `make run HOST=0.0.0.0`) serves the room's network.
HOST ?= 127.0.0.1
PACK := classroom-pack

.PHONY: run serve-lan serve serve-check test test-fast lint format venv dev clean wheelhouse bench capacity load classroom-pack classroom-check

# The runtime install (scripts/classroom.py install) takes, in this order: the classroom pack
# (classroom-pack/wheels/, made by `make classroom-pack` while online, for this kind of machine), the
# developers' wheelhouse/ (`make wheelhouse`), else the package index; with none of them and no
# network it stops at once and says what to do.
# The dev tools come from wheelhouse/ when it is there, else from the index.
PIP_SOURCE := $(if $(wildcard wheelhouse/*.whl),--no-index --find-links wheelhouse,)

$(BIN)/.runtime: requirements.txt
	@$(PY) scripts/classroom.py install --venv $(VENV) --pack $(PACK)
	@touch $@

$(BIN)/.dev: requirements-dev.txt requirements.txt $(BIN)/.runtime
	$(BIN)/pip install -q $(PIP_SOURCE) -r requirements-dev.txt
	touch $@

wheelhouse:  ## developers: every wheel of requirements-dev.txt (214 MB), for `make test` with no network
	$(PY) -m pip download -q -d wheelhouse -r requirements-dev.txt

classroom-pack:  ## the runtime wheels only, into classroom-pack/ (~160 MB; same OS, CPU and Python only): copy it with the repo
	@$(PY) scripts/classroom.py pack --out $(PACK)

classroom-check:  ## as root, minutes, not part of `make test`: proves `make run` installs and serves from the pack with no network
	@test -f $(PACK)/PACK.txt || $(MAKE) --no-print-directory classroom-pack
	bash scripts/classroom_check.sh

venv: $(BIN)/.runtime
dev: $(BIN)/.dev

# Serving beyond this machine: print the addresses students type once the server answers (a helper in
# the background, gone when the server goes), and no Streamlit banner (it looks up an external address).
LAN = $(filter-out 127.0.0.1 localhost ::1,$(HOST))

run: $(BIN)/.runtime  ## serve the app on the bundled data (no network needed); HOST=0.0.0.0 serves the room's network
	$(if $(LAN),$(BIN)/python scripts/classroom.py lan --host $(HOST) --port $(PORT) --wait 120 & )exec $(BIN)/python -m streamlit run app.py --server.port $(PORT) --server.address $(HOST)$(if $(LAN), --logger.hideWelcomeMessage true)

serve-lan: HOST = 0.0.0.0
serve-lan: run  ## serve to the room's network (students' browsers): prints the address(es) to type

# Hosting (README, "Hosting it"): nginx in front of WORKERS Streamlit processes (default one per core) on
# 127.0.0.1:WORKER_PORT and up; the proxy on HOST:PORT, where PORT defaults to 8080 (8501 is `make run`'s).
# nginx is checked first, with the system's Python, so a machine without it is told at once what to install.
WORKERS ?=
WORKER_PORT ?= 8601
SERVE_PORT = $(if $(filter file,$(origin PORT)),8080,$(PORT))

serve-check:
	@$(PY) deploy/serve.py $(if $(NGINX),--nginx $(NGINX)) check

serve: serve-check $(BIN)/.runtime  ## production set-up: nginx (gzip/brotli, sticky sessions) + WORKERS Streamlit workers at http://HOST:PORT (8080)
	exec $(BIN)/python deploy/serve.py --host $(HOST) --port $(SERVE_PORT) --worker-port $(WORKER_PORT)$(if $(WORKERS), --workers $(WORKERS))$(if $(NGINX), --nginx $(NGINX))

lint: $(BIN)/.dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

test: $(BIN)/.dev lint  ## ruff, then every test: unit, AppTest and the real browser
	$(BIN)/python -m pytest

test-fast: $(BIN)/.dev  ## the inner loop: ruff, unit and AppTest tests, no browser (about 10 minutes)
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -m "not e2e"

bench: $(BIN)/.dev  ## our app vs a bare Streamlit floor app: prints a table, writes bench-results.json
	$(BIN)/python -m bench.run $(BENCH_ARGS)

capacity: $(BIN)/.dev  ## how many readers one machine holds: simulated websocket readers, 1 worker, make serve's proxy, floor app (not a test; CAPACITY_ARGS="--steps 10,25,50")
	$(BIN)/python -m bench.capacity $(CAPACITY_ARGS)

load: $(BIN)/.dev  ## N concurrent headless Chromium sessions against one server (LOAD_ARGS="--sessions 10 --duration 60")
	$(BIN)/python -m bench.load $(LOAD_ARGS)

clean:
	rm -rf $(VENV) artifacts .pytest_cache .ruff_cache
