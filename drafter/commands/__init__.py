"""The library functions behind each command: each runs the stages in order
(load → select → compose → build → write). No command module imports another; `cli/` wraps
each in click.

SPEC_CHECKS are the later stages' checks of a letter spec's settings, which the commands hand
to the loader so that a bad setting is reported at its line before any work is done.
"""
from __future__ import annotations


def _citation_style(value, root, inside) -> None:
    from drafter.compose.citations import load_style, resolve_style     # lxml and citeproc: only when a spec names a style
    load_style(resolve_style(value, root))


def _letterhead(value, root, inside) -> None:
    from drafter.formats.docx.letterhead import check_spec_letterhead
    check_spec_letterhead(value, root, inside)


def _output(value, root, inside) -> None:
    from drafter.output.names import output_name
    output_name(value, date="2000-01-01", template="t", letter="l", recipient="r")


SPEC_CHECKS = (("citation_style", _citation_style), ("letterhead", _letterhead), ("output", _output))
