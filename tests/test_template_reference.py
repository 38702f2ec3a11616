"""docs/templates.md names every variable, field, function and filter a template can use, each
with an example: the names are collected from the code that renders templates, not listed here."""
from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from drafter.campaign.load import load_campaign, load_letter
from drafter.campaign.models import Recipient, Signer
from drafter.compose.composer import Composer
from drafter.compose.kit import KINDS, KitRenderer, kind_extra
from drafter.compose.render import AskView, SnippetView, make_environment
from drafter.compose.sandbox import INTERNAL_FILTERS
from drafter.people.constituents import constituent_context
from drafter.people.samples import SAMPLE_CONSTITUENT

REPO = Path(__file__).resolve().parent.parent
DOC = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
HELPERS = ("cite", "snippet", "snippets")      # added by BodyRenderer.render to every context


def public_fields(cls) -> list[str]:
    return [f.name for f in dataclasses.fields(cls) if not f.name.startswith("_")]


def rendered_names() -> set[str]:
    campaign = load_campaign(REPO)
    spec = load_letter(campaign, "company-ceo")
    casper = campaign.recipients[spec.to[0]]
    letter = Composer(campaign, spec).context([casper])
    kit = KitRenderer(campaign, spec).context([casper], {k: v for kind in KINDS for k, v in kind_extra(kind, casper).items()})
    names = set(letter) | set(kit) | set(HELPERS) | {"constituent"}
    names |= {f"letter.{k}" for k in letter["letter"]} | {f"kit.{k}" for k in kit["kit"]}
    names |= {f"recipient.{f}" for f in public_fields(Recipient)} | {f"signer.{f}" for f in public_fields(Signer)}
    names |= {f"snippet.{f}" for f in public_fields(SnippetView) + ["cite"]} | {f"ask.{f}" for f in public_fields(AskView)}
    names |= {f"constituent.{k}" for k in constituent_context(SAMPLE_CONSTITUENT)}
    return names


def environment_names() -> tuple[set[str], set[str]]:
    env = make_environment(REPO / "letters" / "templates")
    return set(env.filters) - INTERNAL_FILTERS | set(env.globals), set(env.tests)


def row_of(name: str) -> str | None:
    """The table row that documents `name` (its first cell)."""
    m = re.search(r"^\| `%s` \|.*$" % re.escape(name), DOC, re.MULTILINE)
    return m.group(0) if m else None


def test_every_name_a_template_sees_is_documented_with_an_example():
    names = rendered_names()
    assert {"recipient", "recipients", "asks", "vars", "letter", "signers", "addressed", "organization",
            "recipient.organization", "constituent.state_name", "ask_texts", "member"} <= names
    filters_and_functions, _ = environment_names()
    undocumented = sorted(n for n in names | filters_and_functions if row_of(n) is None)
    assert undocumented == [], f"add these to docs/templates.md: {undocumented}"
    without_example = sorted(n for n in names | filters_and_functions
                             if "{{" not in row_of(n) and "{%" not in row_of(n) and "{#" not in row_of(n))
    assert without_example == []


def test_every_jinja_test_is_named():
    _, tests = environment_names()
    section = DOC[DOC.index("Jinja's tests work too"):]
    missing = sorted(t for t in tests if f"`{t}`" not in section and f"`is {t}" not in section)
    assert missing == []


def test_documented_names_exist():
    """No row names something templates cannot use (a renamed field left behind)."""
    names = rendered_names() | environment_names()[0]
    documented = re.findall(r"^\| `([a-z_.]+)` \|", DOC, re.MULTILINE)
    assert sorted(set(documented) - names) == []
