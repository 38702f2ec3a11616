"""JSON Schemas for the campaign files: used by `drafter check` and printed by `drafter schema`."""
from __future__ import annotations

from drafter.campaign.dates import DATE_PATTERN

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

_date = {"type": ["string", "integer"], "pattern": DATE_PATTERN,
         "description": "A date: YYYY-MM-DD, YYYY-MM or YYYY."}
_text = {"type": "string", "minLength": 1, "pattern": r"\S"}
_lines = {"type": "array", "items": _text, "minItems": 1}
_url = {"type": "string", "pattern": r"^https?://[^\s/$.?#][^\s]*$", "description": "An http(s) URL."}

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
    "part-title", "PMCID", "PMID", "publisher", "publisher-place", "references", "section",
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
        "note": {"type": "string"},
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

ROLES = ["secretary", "senator", "representative", "delegate", "resident-commissioner",
         "ceo", "governor", "ambassador", "official", "other"]

RECIPIENT = {
    "type": "object", "required": ["name", "role"], "additionalProperties": False,
    "properties": {
        "name": {**_text, "description": "Full name as written in the address."},
        "role": {"enum": ROLES},
        "title": _text,
        "organization": _text,
        "address": _lines,
        "memberships": {"type": "array", "items": {"type": "string"}},
        "committees": {"type": "array", "items": {
            "type": "object", "required": ["id"], "additionalProperties": False,
            "properties": {"id": _text, "name": _text, "title": _text}}},
        "as_of": _date,
        "former": {"type": "boolean"},
        "honorific": {"type": "string", "description": "'The Honorable', or '' for none."},
        "courtesy": {"enum": ["Mr.", "Ms.", "Mrs.", "Dr.", "Mx.", "Miss"]},
        "given": {**_text, "description": "Given name, when 'name' alone is ambiguous."},
        "surname": _text,
        "suffix": {**_text, "description": "Jr., III, ..."},
        "nickname": _text,
        "addressee": {**_text, "description": "Overrides the first line of the inside address."},
        "salutation": {**_text, "description": "Overrides the derived 'Dear ...:' line."},
        "salutation_name": {**_text, "description": "Overrides the form used in a joint salutation."},
        "inside_address": {**_lines, "description": "Overrides the whole derived inside address."},
        "state": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "district": {"type": "integer", "minimum": 0},
        "party": _text,
        "phone": _text,
        "website": _url,
        "contact_form": _url,
        "email": _text,
        "handle": _text,
        "bioguide": _text,
        "notes": {"type": "string"},
    },
}

SIGNER = {
    "type": "object", "required": ["name"], "additionalProperties": False,
    "properties": {"name": _text, "title": _text, "organization": _text,
                   "address": _lines, "email": _text, "phone": _text},
}

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

# A recipient query. No oneOf: a value's JSON type picks the rule (keywords apply only to their own
# type), so a mistake is reported at the key that has it ("to[0].role: 'senatr' is not allowed")
# rather than as "expected string, found list" about the whole `to`.
_query_rules = {"additionalProperties": False, "minProperties": 1, "properties": {
    "role": {"type": ["string", "array"], "if": {"type": "string"}, "then": {"enum": ROLES},
             "items": {"enum": ROLES}, "description": "A role, or a list of roles (any of them)."},
    "state": {"type": ["string", "array"], "items": {"type": "string"}},
    "district": {"type": ["integer", "array"], "items": {"type": "integer"}},
    "membership": {"type": ["string", "array"], "items": {"type": "string"}},
}}
_query = {"type": "object", **_query_rules}

LETTER = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drafter.invalid/schema/letter.json",
    "title": "drafter letter spec",
    "type": "object", "additionalProperties": False,
    "required": ["template", "date", "to"],
    # `to: constituents` is a letter for `drafter batch`: each constituent signs it, so no `from`.
    "if": {"properties": {"to": {"const": "constituents"}}}, "else": {"required": ["from"]},
    "properties": {
        "template": {**_text, "description": "letters/templates/NAME.md.j2"},
        "title": _text,
        "subject": _text,
        "date": {"anyOf": [_date, {"const": "today"}],
                 "description": "The letter's date: YYYY-MM-DD, or 'today' (the day it is drafted)."},
        "to": {"type": ["array", "object", "string"], "minItems": 1, **_query_rules,
               "items": {"type": ["string", "object"], **_query_rules},
               "description": "Recipient ids, group names or queries ({role, state, district, membership}): "
                              "one, or a list; 'constituents' for 'drafter batch'."},
        "mode": {"enum": ["joint", "each"]},
        "from": {"oneOf": [{"type": "array", "items": {"type": "string"}, "minItems": 1},
                           {"type": "string"}]},
        "cc": {"type": "array", "items": {"type": "string"}},
        "letterhead": {"type": ["string", "array"], "description": "A .docx file, or lines of text."},
        "citation_style": _text,
        "committee": {**_text, "description": "A committee id (e.g. SSFR): its chair and ranking member are "
                                              "addressed by that title."},
        "output": _text,
        "closing": _text,
        "stale_after_days": {"type": "integer", "minimum": 1},
        "vars": {"type": "object", "description": "Extra values the template can use."},
        "kit": {"type": "object", "additionalProperties": False,
                "description": "Settings for 'drafter kit' (action kit): hashtags and handles for social posts.",
                "properties": {
                    "hashtags": {"type": "array", "items": {"type": "string", "pattern": r"^#?\w+$"}},
                    "handles": {"type": "array", "items": {"type": "string", "pattern": r"^@?\w{1,15}$"}},
                    "title": _text}},
    },
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
        }}}},
}
SCHEMAS["asks"] = ASKS


def schema_json(kind: str) -> str:
    """A schema as the text `drafter schema KIND` prints and editors read."""
    import json
    return json.dumps(SCHEMAS[kind], indent=2, ensure_ascii=False) + "\n"
