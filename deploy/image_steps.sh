#!/usr/bin/env bash
# The container image's build steps as a plain script: deploy/Dockerfile runs `wheels` and `install`, and
# a machine without Docker runs the same steps (tests/unit/test_deploy.py, so CI does too).
#
#   deploy/image_steps.sh wheels  REQUIREMENTS WHEEL_DIR       # builder stage: every runtime wheel
#   deploy/image_steps.sh install VENV WHEEL_DIR REQUIREMENTS  # runtime stage: a venv from those wheels only
#   deploy/image_steps.sh smoke   PYTHON APP_DIR [PORT]        # the app as the image lays it out: its data
#                                                              # validates, every page runs, the server's
#                                                              # health check (deploy/healthcheck.py) answers
#
# `wheels` and `install` run $PYTHON (default python3); pip's own settings apply (PIP_INDEX_URL,
# PIP_FIND_LINKS, PIP_NO_INDEX), so `wheels` can take a local wheelhouse.
set -euo pipefail
PYTHON="${PYTHON:-python3}"

step="${1:-}"
shift || true

case "$step" in
  wheels)
    requirements="$1" out="$2"
    "$PYTHON" -m pip wheel --quiet --no-cache-dir --disable-pip-version-check --wheel-dir "$out" -r "$requirements"
    echo "wheels: $(find "$out" -name '*.whl' | wc -l) in $out"
    ;;

  install)
    venv="$1" wheels="$2" requirements="$3"
    "$PYTHON" -m venv "$venv"
    # Only the wheels built in the builder stage: no compiler, no index, nothing else in the image.
    "$venv/bin/pip" install --quiet --no-cache-dir --disable-pip-version-check --no-index \
      --find-links "$wheels" -r "$requirements"
    "$venv/bin/python" -c "import streamlit, plotly, pandas; print('installed: streamlit', streamlit.__version__)"
    ;;

  smoke)
    python="$1" app="$2" port="${3:-8501}"
    cd "$app"
    # Nothing of the app may come from anywhere but APP_DIR.
    "$python" - <<'PY'
import pathlib, usjp
assert pathlib.Path(usjp.__file__).resolve().is_relative_to(pathlib.Path.cwd().resolve()), usjp.__file__
PY
    "$python" -m usjp validate >/dev/null
    echo "smoke: the bundled data validates"
    "$python" - <<'PY'
from streamlit.testing.v1 import AppTest
from usjp.ui.keys import SCALED_CHART
from usjp.ui.nav import PAGES

for spec in PAGES:
    at = AppTest.from_file("app.py", default_timeout=90)
    if spec.url_path:
        at.run()
        at.switch_page(spec.script)
    at.run()
    assert not at.exception, f"{spec.script}: {at.exception}"
    charts = [*at.main.get("plotly_chart"), *(c for c in at.main.get("bidi_component") if c.proto.component_name == SCALED_CHART)]
    assert bool(charts) == spec.has_chart, spec.script
print(f"smoke: {len(PAGES)} pages run")
PY
    STREAMLIT_SERVER_PORT="$port" STREAMLIT_SERVER_ADDRESS=127.0.0.1 STREAMLIT_SERVER_HEADLESS=true \
      "$python" -m streamlit run app.py >"${TMPDIR:-/tmp}/usjp-smoke-$port.log" 2>&1 &
    server=$!
    trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
    for _ in $(seq 1 120); do
      if STREAMLIT_SERVER_PORT="$port" "$python" deploy/healthcheck.py; then
        echo "smoke: the server answers its health check on port $port"
        exit 0
      fi
      kill -0 "$server" 2>/dev/null || { cat "${TMPDIR:-/tmp}/usjp-smoke-$port.log"; exit 1; }
      sleep 0.5
    done
    echo "smoke: no health check answer after 60 s" >&2
    exit 1
    ;;

  *)
    sed -n '2,12p' "$0" >&2
    exit 2
    ;;
esac
