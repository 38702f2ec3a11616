"""Render the action kit's templates (letters/templates/kit-KIND.md.j2) with a letter spec's
context: `drafter kit` writes what they give, `drafter check` renders them to find what kit
would refuse. Measuring, formatting and writing the kit are the kit command's business."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from drafter.campaign.load import Campaign, TEMPLATE_SUFFIX
from drafter.campaign.models import LetterSpec, Recipient
from drafter import locale as locales
from drafter.compose.composer import Composer, asks_for, letter_locale
from drafter.compose.letter import Block, FactSheet, Note, Text
from drafter.compose.render import BodyRenderer, trusted_markdown
from drafter.errors import TemplateError
from drafter.people import address

KINDS = ("call-script", "email", "social", "shareholder-questions", "factsheet")
FACTSHEET_PAGES = 1        # a fact sheet is one page


@dataclass
class Rendered:
    blocks: tuple[Block, ...]
    notes: list[tuple[Text, ...]]       # formatted footnotes, in order
    sources: list[tuple[str, ...]]      # source ids of each note
    template: Path


def _prefixed(value: str, mark: str) -> str:
    return value if value.startswith(mark) else mark + value


def shape_error(kind: str, r: Rendered) -> TemplateError | None:
    """What a kit template must give beyond rendering: a heading first (the email's subject, the
    fact sheet's title), at least one post."""
    if kind in ("email", "factsheet") and (not r.blocks or r.blocks[0].kind != "heading"):
        what = "the subject line" if kind == "email" else "its title"
        return TemplateError(f"the {'email' if kind == 'email' else 'fact sheet'} template must start with "
                             f"{what} as a heading ('# ...')", file=str(r.template))
    if kind == "social" and not r.blocks:
        return TemplateError("the social template gave no posts (one paragraph per post)", file=str(r.template))
    return None


UNLINKED_HINT = "give the source a URL in evidence.yaml, or post another fact"


def unlinked_source_message(source_id: str) -> str:
    """What `kit` refuses and `check` reports first: a social post's citation becomes its source's
    link, so a source with no URL cannot be cited in one."""
    return f"a social post cites source {source_id!r}, which has no URL to link"


def unlinked_sources(sources: list[tuple[str, ...]], notes: list[int], evidence) -> list[str]:
    """The sources without a URL that the given notes (1-based numbers) cite, each once."""
    return list(dict.fromkeys(s for n in notes for s in sources[n - 1] if not evidence.sources[s].url))



def fact_sheet(r: Rendered, organization: str, date) -> FactSheet:
    """The kit's fact sheet from its rendered template: the first block (a heading) is its title."""
    title = "".join(x.text for x in r.blocks[0].inlines if isinstance(x, Text))
    return FactSheet(title, organization, date, tuple(r.blocks),
                     tuple(Note(n, tuple(runs)) for n, runs in enumerate(r.notes, 1)))

def member_name(r: Recipient, loc: locales.Locale | None = None, greeting: str = "formal") -> str:
    """How a caller names the member: "Senator Merkley" (or the full name); abroad, the
    salutation of the letter's language without its greeting ("Ms Olney", "Frau Dr. Beispiel",
    "Madame la Députée")."""
    if address.abroad(r):
        salutation = address.address_letter([r], loc=loc, greeting=greeting)[1]
        return (loc or locales.get(address.recipient_locale(r))).kit.spoken_name(salutation)
    title, name = address.salutation_name(r)
    return f"{title} {name}".strip()


def kind_extra(kind: str, r: Recipient, loc: locales.Locale | None = None, greeting: str = "formal") -> dict:
    """What a kit template for one person sees besides the letter's context."""
    if kind == "call-script":
        return {"member": member_name(r, loc, greeting), "phone": r.phone}
    if kind == "shareholder-questions":
        return {"company": r.organization or r.name}
    return {}


class KitRenderer:
    """Renders the kit templates of one letter spec, with the spec's composer context."""

    def __init__(self, campaign: Campaign, spec: LetterSpec, composer: Composer | None = None):
        self.campaign = campaign
        self.composer = composer or Composer(campaign, spec)
        self.spec = spec
        self._renderers: dict[str, BodyRenderer] = {}

    def locale(self, recipients: list[Recipient]) -> locales.Locale:
        """The kit's language: the letter's (its spec's `locale:`, else its recipients')."""
        return letter_locale(self.spec, recipients)

    def extra(self, kind: str, r: Recipient) -> dict:
        """kind_extra in the letter's language and greeting."""
        return kind_extra(kind, r, self.locale([r]), self.spec.greeting)

    def has(self, kind: str) -> bool:
        return self.campaign.template_path(f"kit-{kind}").is_file()

    def context(self, recipients: list[Recipient], extra: dict | None = None) -> dict:
        """The letter's context plus the kit's own names: the letter's salutation and closing."""
        asks = asks_for(self.campaign.asks.values(), recipients)
        loc = self.locale(recipients)
        # a kit for a constituent letter abroad whose campaign has no members there yet: no one to greet
        salutation = address.address_letter(recipients, self.spec.committee, self.spec.salutation, loc=loc,
                                            greeting=self.spec.greeting)[1] if recipients else ""
        kit = self.spec.kit
        handles = [_prefixed(h, "@") for h in kit.get("handles", [])]
        handles += [_prefixed(r.handle, "@") for r in recipients if r.handle]
        return self.composer.context(recipients, {
            # asks without their supporting snippets, for short forms (posts, scripts)
            "ask_texts": [trusted_markdown(a.text) for a in asks],
            "kit": {"hashtags": [_prefixed(h, "#") for h in kit.get("hashtags", [])],
                    "handles": list(dict.fromkeys(handles)), "title": kit.get("title")},
            # greeted as the letter greets them: the spec's `salutation:`, a whole committee's form,
            # the form of their country in the letter's language; the letter's closing
            "salutation": salutation,
            "closing": self.spec.closing or loc.closing_for(salutation),
            **(extra or {})}, loc)

    def render(self, kind: str, recipients: list[Recipient], extra: dict | None = None) -> Rendered:
        if kind not in self._renderers:
            # Each social post stands alone: a fact may recur from one post to the next.
            self._renderers[kind] = BodyRenderer(self.campaign.templates_dir, f"kit-{kind}",
                                                 self.campaign.evidence, TEMPLATE_SUFFIX, once=kind != "social")
        renderer = self._renderers[kind]
        ctx = self.context(recipients, extra)
        body = renderer.render(ctx)
        if body.asks_missing:
            raise self.composer.no_asks(recipients, renderer.path)
        citer = self.composer.citer_for(self.locale(recipients))     # notes in the letter's language
        notes = citer.notes(body.clusters) if body.clusters else []
        return Rendered(body.blocks, notes, [tuple(c.source for c in cl) for cl in body.clusters],
                        renderer.path)
