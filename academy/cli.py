"""Command-line interface: `python -m academy COMMAND` (see DESIGN §8 and `--help`)."""

from __future__ import annotations

import click


@click.group()
def cli() -> None:
    """Académie IA Santé: curriculum, database and exports from the command line."""
