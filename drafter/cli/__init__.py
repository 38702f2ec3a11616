"""The command line: thin click wrappers over the library functions.

Each command group lives in its own module here and registers itself on `main`. A module is
imported only when its command runs (or for --help), so each command loads only what it uses;
a module's name is its command's name.
Errors a user can cause are DrafterError: printed as `FILE:LINE: message` and exit status 1.
"""
from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import click

from drafter.errors import DrafterError

# One line per command module; each defines commands on `main` when imported.
COMMAND_MODULES = [
    "draft",
    "check",
    "templates",
    "kit",
    "recipients",
    "batch",
    "evidence",
    "schema",
    "init",
    "log",
    "serve",
]


class DrafterGroup(click.Group):
    """Turns DrafterError into a clean message and exit status 1, never a traceback; imports a
    command's module when the command is asked for."""

    def get_command(self, ctx, cmd_name):
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            importlib.import_module(f"{__name__}.{cmd_name}")
        if cmd_name not in self.commands:
            _import_all()
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx):
        _import_all()
        return super().list_commands(ctx)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except DrafterError as exc:
            click.secho(f"error: {exc}", fg="red", err=True)
            ctx.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted; nothing half-written was left behind", err=True)
            ctx.exit(130)


@click.group(cls=DrafterGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-C", "campaign_dir", type=click.Path(file_okay=False, path_type=Path), default=".",
              show_default=True, help="The campaign folder.")
@click.version_option(package_name="drafter")
@click.pass_context
def main(ctx, campaign_dir: Path):
    """drafter: footnoted Word letters from a campaign folder of evidence, recipients and templates."""
    ctx.obj = {"root": campaign_dir}


def root(ctx: click.Context) -> Path:
    return ctx.find_root().obj["root"]


def echo_table(headers, rows) -> None:
    """Columns padded to their widest cell; the last column is cut to the terminal width."""
    rows = [[str(c) for c in r] for r in rows]
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers[:-1])]
    room = max(20, shutil.get_terminal_size((120, 24)).columns - sum(w + 2 for w in widths))
    for row in [list(headers)] + rows:
        last = row[-1] if len(row[-1]) <= room else row[-1][: room - 1] + "…"
        click.echo(("  ".join(c.ljust(w) for c, w in zip(row, widths)) + ("  " if widths else "") + last).rstrip())


def _import_all() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"{__name__}.{name}")


def run() -> None:  # console-script entry point
    main(prog_name="drafter")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(run())
