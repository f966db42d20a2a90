#!/usr/bin/env bash
# Proves the offline classroom install (make classroom-check; as root; minutes; not part of make test):
# inside a network namespace with nothing but loopback (unshare -n), in temporary copies of the repo,
#   1. with no pack, `make run` stops within seconds with the message saying what to do;
#   2. with classroom-pack/, `make run` installs a fresh .venv from it and serves: the story page is
#      opened in headless Chromium until a Plotly chart is drawn (time from `make run` printed);
#   3. `make serve-lan` prints the room address and a browser draws the page from it.
# The work is done by scripts/classroom_check.py, run with a Python that has Playwright (the repo's
# .venv after `make test`; CHECK_PY=... to choose another; without Playwright only /_stcore/health).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
  echo "classroom check: run as root (a network namespace needs it): sudo make classroom-check" >&2
  exit 2
fi
if ! command -v unshare >/dev/null 2>&1; then
  echo "classroom check: needs unshare (util-linux) to cut the network off" >&2
  exit 2
fi
if [ ! -f classroom-pack/PACK.txt ]; then
  echo "classroom check: no classroom pack here; make classroom-pack first (needs the internet)" >&2
  exit 2
fi
CHECK_PY=${CHECK_PY:-.venv/bin/python}
[ -x "$CHECK_PY" ] || CHECK_PY=python3
exec unshare --net "$CHECK_PY" scripts/classroom_check.py "$@"
