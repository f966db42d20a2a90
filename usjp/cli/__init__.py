"""Command line: `python -m usjp validate|import|refresh|stats ...` (parser in usjp/cli/main.py)."""

from usjp.cli.main import build_parser, main

__all__ = ["build_parser", "main"]
