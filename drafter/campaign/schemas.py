"""JSON Schemas for the campaign files: used by `drafter check` and printed by `drafter schema`.

Recipients, signers and letter specs are declared field by field in `models.py`; their schemas
are assembled from there (`schema_of`), so a field and its schema cannot drift apart.
"""
from __future__ import annotations

from drafter.campaign.jsontypes import DATE as _date, ID_PATTERN, caveat as _caveat, QUERY as _query, \
    QUERY_RULES as _query_rules, ROLES, TEXT as _text, URL as _url
from drafter.campaign.models import INSTRUMENT_SCHEMA, LetterSpec, Recipient, Signer, schema_of

__all__ = ["ID_PATTERN", "ROLES", "SCHEMAS", "schema_json"]

_name = {
    "oneOf": [
        {"type": "object", "required": ["literal"], "additionalProperties": False,
         "properties": {"literal": _text}},
        {"type": "object", "required": ["family"], "additionalProperties": False,
         "properties": {"family": _text, "given": _text, "suffix": _text,
                        "dropping-particle": _text, "non-dropping-particle": _text}},
    ],
    "description": "A person {family, given} or an organisation {literal}.",
}

# CSL-JSON item variables (CSL 1.0.2) accepted in a source.
CSL_STRING_FIELDS = [
    "abstract", "annote", "archive", "archive_location", "archive-place", "authority",
    "call-number", "chapter-number", "citation-label", "collection-number", "collection-title",
    "container-title", "container-title-short", "dimensions", "DOI", "edition", "event",
    "event-place", "event-title", "genre", "ISBN", "ISSN", "issue", "jurisdiction", "keyword",
    "language", "license", "medium", "note", "number", "number-of-pages", "number-of-volumes",
    "original-publisher", "original-publisher-place", "original-title", "page", "page-first",
    "part-number", "part-title", "supplement-number", "PMCID", "PMID", "publisher", "publisher-place", "references", "section",
    "source", "status", "title", "title-short", "URL", "version", "volume", "volume-title",
    "year-suffix", "division", "shortTitle", "journalAbbreviation",
]
CSL_NAME_FIELDS = [
    "author", "chair", "collection-editor", "compiler", "composer", "container-author",
    "contributor", "curator", "director", "editor", "editorial-director", "editor-translator",
    "executive-producer", "guest", "host", "illustrator", "interviewer", "narrator",
    "organizer", "original-author", "performer", "producer", "recipient", "reviewed-author",
    "script-writer", "series-creator", "translator",
]
CSL_DATE_FIELDS = ["accessed", "available-date", "event-date", "issued", "original-date", "submitted"]
CSL_TYPES = [
    "article", "article-journal", "article-magazine", "article-newspaper", "bill", "book",
    "broadcast", "chapter", "classic", "collection", "dataset", "document", "entry",
    "entry-dictionary", "entry-encyclopedia", "event", "figure", "graphic", "hearing",
    "interview", "legal_case", "legislation", "letter", "manuscript", "map", "motion_picture",
    "musical_score", "pamphlet", "paper-conference", "patent", "performance", "periodical",
    "personal_communication", "post", "post-weblog", "regulation", "report", "review",
    "review-book", "software", "song", "speech", "standard", "thesis", "treaty", "webpage",
]

_source_props = {f: _text for f in CSL_STRING_FIELDS}
_source_props.update({f: {"type": "array", "items": _name, "minItems": 1} for f in CSL_NAME_FIELDS})
_source_props.update({f: _date for f in CSL_DATE_FIELDS})
_source_props.update({"type": {"enum": CSL_TYPES}, "URL": _url, "title": _text,
                      "id": {"type": "string"}})
# drafter's own: fields not seen in a primary copy. An unconfirmed title is a description, never
# quoted as the work's own; other fields become a review comment where the source is cited.
_source_props["unconfirmed"] = {
    "type": "array", "minItems": 1,
    "items": {"enum": sorted(set(CSL_STRING_FIELDS + CSL_NAME_FIELDS + CSL_DATE_FIELDS) - {"note"})},
    "description": "Fields not confirmed against a primary copy: [title] makes the notes describe the "
                   "work (no quotation marks, no italics, no C.F.R. heading)."}

SOURCE = {"type": "object", "required": ["type", "title"], "additionalProperties": False,
          "properties": _source_props,
          "description": "A citable work, as a CSL-JSON item (what Zotero exports)."}

SNIPPET = {
    "type": "object", "required": ["text"], "additionalProperties": False,
    "properties": {
        "text": {**_text, "description": "The sentence(s) a letter inserts, Markdown inline."},
        "source": {"type": "string", "description": "The id of the source it comes from."},
        "sources": {"type": "array", "items": {"type": "string"}, "minItems": 1},
        "locator": {"type": ["string", "integer"], "description": "Pinpoint, e.g. a page."},
        "label": {"enum": ["page", "section", "paragraph", "chapter", "figure", "line", "note"]},
        "tags": {"type": "array", "items": {"type": "string"}},
        "verified": {**_date, "description": "When it was last checked against the source."},
        "note": _caveat("sentence"),
    },
    "oneOf": [{"required": ["source"]}, {"required": ["sources"]}],
}

EVIDENCE = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drafter.invalid/schema/evidence.json",
    "title": "drafter evidence.yaml",
    "type": "object", "additionalProperties": False, "required": ["sources"],
    "properties": {
        "sources": {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
                    "additionalProperties": SOURCE},
        "snippets": {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
                     "additionalProperties": SNIPPET},
        "settings": {"type": "object", "additionalProperties": False, "properties": {
            "stale_after_days": {"type": "integer", "minimum": 1}}},
    },
}

_recipient, _signer, _letter = schema_of(Recipient), schema_of(Signer), schema_of(LetterSpec)
RECIPIENT = {"type": "object", "required": _recipient["required"], "additionalProperties": False,
             "properties": _recipient["properties"]}
SIGNER = {"type": "object", "required": _signer["required"], "additionalProperties": False,
          "properties": _signer["properties"]}

RECIPIENTS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drafter.invalid/schema/recipients.json",
    "title": "drafter recipients.yaml",
    "type": "object", "additionalProperties": False,
    "properties": {
        "recipients": {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
                       "additionalProperties": RECIPIENT},
        "signers": {"type": "object", "propertyNames": {"pattern": ID_PATTERN},
                    "additionalProperties": SIGNER},
        "groups": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
}

LETTER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drafter.invalid/schema/letter.json",
    "title": "drafter letter spec",
    "type": "object", "additionalProperties": False,
    "required": _letter["required"],
    # `to: constituents` is a letter for `drafter batch`: each constituent signs it, so no `from`.
    "if": {"properties": {"to": {"const": "constituents"}}}, "else": {"required": ["from"]},
    "properties": _letter["properties"],
}

SCHEMAS = {"evidence": EVIDENCE, "recipients": RECIPIENTS, "letter": LETTER}

ASKS = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drafter.invalid/schema/asks.json",
    "title": "drafter asks.yaml",
    "type": "object", "additionalProperties": False, "required": ["asks"],
    "properties": {"asks": {"type": "object", "propertyNames": {"pattern": ID_PATTERN}, "additionalProperties": {
        "type": "object", "additionalProperties": False, "required": ["text", "for"],
        "properties": {
            "text": {**_text, "description": "The ask, Markdown inline; phrased for the letter's list of asks."},
            "for": {"type": ["object", "array"], **_query_rules, "items": _query, "minItems": 1,
                    "description": "Who can act on it: a query (role, membership, ...) or a list (any of them)."},
            "evidence": {"type": "array", "items": {"type": "string"},
                         "description": "Snippet ids that support it, inserted after the text with their notes."},
            "authority": {"type": "string", "description": "The legal basis, for reviewers."},
            "confirm": {"type": "string", "description": "What a reviewer must confirm before sending "
                        "(e.g. an authority held only in consultation); drafts carry it as a Word comment."},
            "instrument": INSTRUMENT_SCHEMA,
        }}}},
}
SCHEMAS["asks"] = ASKS


def schema_json(kind: str) -> str:
    """A schema as the text `drafter schema KIND` prints and editors read."""
    import json
    return json.dumps(SCHEMAS[kind], indent=2, ensure_ascii=False) + "\n"
