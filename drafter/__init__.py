"""drafter: draft footnoted advocacy letters in Word from a campaign folder.

The Python API (docs/python-api.md), imported on first use so that `import drafter` stays cheap:

    load_campaign(root)                      -> Campaign      read and check the campaign folder
    letters(campaign, letter, to=...)        -> [Letter]      the letters of a spec, in memory
    draft_bytes(campaign, letter, formats)   -> [(Letter, {format: bytes})]
    letter_bytes(letter, format)             -> bytes         one file of one Letter
    draft(root, letter, out_dir, ...)        -> [Draft]       `drafter draft`: files written
    run_batch(root, letter, constituents, legislators, ...) -> BatchReport   `drafter batch`
    DrafterError, DataError                                   what bad input raises
"""
from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_NAMES = {
    "load_campaign": "drafter.campaign.load",
    "Campaign": "drafter.campaign.load",
    "letters": "drafter.api",
    "draft_bytes": "drafter.api",
    "letter_bytes": "drafter.api",
    "Letter": "drafter.compose.letter",
    "draft": "drafter.commands.draft",
    "Draft": "drafter.commands.draft",
    "run_batch": "drafter.commands.batch",
    "BatchReport": "drafter.commands.batch",
    "DrafterError": "drafter.errors",
    "DataError": "drafter.errors",
}
__all__ = ["BatchReport", "Campaign", "DataError", "Draft", "DrafterError", "Letter", "draft", "draft_bytes",
           "letter_bytes", "letters", "load_campaign", "run_batch"]

if TYPE_CHECKING:   # what type checkers and editors see; at run time __getattr__ imports on use
    from drafter.api import draft_bytes, letter_bytes, letters
    from drafter.campaign.load import Campaign, load_campaign
    from drafter.commands.batch import BatchReport, run_batch
    from drafter.commands.draft import Draft, draft
    from drafter.compose.letter import Letter
    from drafter.errors import DataError, DrafterError


def __getattr__(name: str):
    """PEP 562: import an API name's module the first time the name is used."""
    module = _NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'drafter' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
