"""The command line's parser: one module per command in usjp/cli/, each with `register(subparsers)`."""

from __future__ import annotations

import argparse

from usjp.cli import export, handout, importer, refresh, stats, validate

COMMANDS = (validate, importer, refresh, stats, export, handout)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m usjp", description="US–Japan trade-tension dashboard: data, statistics and export commands."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)
