"""The container's health check (deploy/Dockerfile HEALTHCHECK): exit 0 when this worker's Streamlit answers
/_stcore/health with "ok", else 1. Python's standard library only: the slim image has no curl."""

import os
import sys
import urllib.request

PORT = os.environ.get("STREAMLIT_SERVER_PORT", "8501")

try:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/_stcore/health", timeout=4) as response:
        sys.exit(0 if response.read().strip() == b"ok" else 1)
except OSError:
    sys.exit(1)
