"""Render a letter spec's letters in memory, as `draft`, `batch` and `kit` would, and collect
what they would refuse: `drafter check` reports it. Nothing is written, no .docx is built.

Where a spec selects many recipients, one recipient for each distinct form of address (and
set of asks) stands for the rest. A batch letter (`to: constituents`) is rendered with a sample
constituent and a sample member of each chamber (people/samples.py).
"""
from __future__ import annotations

from drafter.campaign.load import CONSTITUENTS, Campaign
from drafter.campaign.models import LetterSpec, Recipient
from drafter.compose.citations import Citer
from drafter.compose.composer import Composer, asks_for
from drafter.compose.constituent import constituency_country, constituent_letter, members_abroad, stale_refused
from drafter.compose.kit import (KINDS, UNLINKED_HINT, KitRenderer, kind_extra, shape_error,
                                 unlinked_source_message, unlinked_sources)
from drafter.errors import DataError, DrafterError
from drafter.people.samples import samples
from drafter.people.select import group_letters, select_recipients


def representatives(recipients: list[Recipient], asks) -> list[Recipient]:
    """One recipient per distinct form of address and set of asks, in the spec's order."""
    chosen: dict[tuple, Recipient] = {}
    for r in recipients:
        key = (r.role, r.former, r.honorific, r.courtesy is None, r.salutation is not None, bool(r.committees),
               tuple(a.id for a in asks_for(asks, [r])))
        chosen.setdefault(key, r)
    return list(chosen.values())


class _Trial:
    def __init__(self):
        self.errors: list[DrafterError] = []

    def attempt(self, fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except DrafterError as exc:
            self.errors.append(exc)
            return None


def trial_letters(campaign: Campaign, spec: LetterSpec, citers: dict | None = None,
                  kit_items: list | None = None) -> list[DrafterError]:
    """What drafting the spec's letters (or batching them) and its kit would refuse. `citers`
    keeps one citation formatter per style across the specs of a campaign; `kit_items`, if
    given, receives each kit template rendered, (kind, recipients, Rendered), for measuring."""
    trial = _Trial()
    citers = {} if citers is None else citers
    if spec.citation_style not in citers:
        citers[spec.citation_style] = trial.attempt(Citer, campaign.evidence, spec.citation_style, campaign.root)
    if citers[spec.citation_style] is None:
        return trial.errors
    composer = trial.attempt(Composer, campaign, spec, citers[spec.citation_style])
    if composer is None:
        return trial.errors
    if spec.to == (CONSTITUENTS,):
        # abroad: the campaign's own members by constituency, as batch matches them
        country = constituency_country(spec)
        abroad = trial.attempt(members_abroad, campaign, spec) if country != "US" else None
        sample, recipients = samples(campaign.recipients, abroad) if country == "US" or abroad else (None, [])
        callees = recipients
        stale: dict[tuple[str, str], str] = {}
        for member in recipients:        # composed as batch and the web page compose it
            letter = trial.attempt(constituent_letter, composer, sample, member)
            if letter is not None and spec.stale == "refuse":
                for item in composer.stale_evidence(letter):
                    stale.setdefault(item, f"the letter to a sample {member.role}")
        if stale:                        # what batch would refuse before writing a letter
            trial.errors.append(stale_refused(composer, stale))
    else:
        recipients = trial.attempt(select_recipients, campaign.recipients, spec.to, campaign.groups)
        if not recipients:
            return trial.errors
        callees = []
        groups = [[r] for r in representatives(recipients, campaign.asks.values())] if spec.mode == "each" \
            else group_letters(recipients, "joint")
        for group in groups:
            trial.attempt(composer.compose, group)
    trial_kit(trial, KitRenderer(campaign, spec, composer), recipients, callees, kit_items)
    return trial.errors


def trial_kit(trial: _Trial, kr: KitRenderer, recipients: list[Recipient], callees: list[Recipient],
              kit_items: list | None = None) -> None:
    """Every kit template, rendered as `drafter kit` renders it (its lengths measured by check
    from `kit_items`)."""
    asks = kr.campaign.asks.values()
    kit_items = [] if kit_items is None else kit_items

    def render(kind, people, extra=None):
        rendered = trial.attempt(kr.render, kind, people, extra)
        if rendered is not None:
            kit_items.append((kind, people, rendered))
        return rendered

    for kind in KINDS:
        if not kr.has(kind):
            continue
        if kind == "call-script":
            people = {r.id: r for r in [*recipients, *callees] if r.phone and asks_for(asks, [r])}
            for r in representatives(list(people.values()), asks):
                extra = trial.attempt(kr.extra, kind, r)
                if extra is not None:
                    render(kind, [r], extra)
        elif kind == "shareholder-questions":
            for r in [r for r in recipients if r.role == "ceo"][:1]:
                render(kind, [r], kind_extra(kind, r))
        else:
            rendered = render(kind, recipients)
            if rendered is not None and shape_error(kind, rendered):
                trial.errors.append(shape_error(kind, rendered))
            if rendered is not None and kind == "social":
                trial.errors += [DataError(unlinked_source_message(s), file=str(rendered.template), hint=UNLINKED_HINT)
                                 for s in unlinked_sources(rendered.sources, range(1, len(rendered.sources) + 1),
                                                           kr.campaign.evidence)]
