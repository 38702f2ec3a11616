"""The JSON Schema pieces every campaign schema is made of (dates, text, lines, URLs, ids).

Kept apart so that `models.py`, which declares each field with its schema, and `schemas.py`,
which assembles the file schemas, read the same pieces without importing each other.
"""
from __future__ import annotations

from drafter.campaign.dates import DATE_PATTERN

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"

DATE = {"type": ["string", "integer"], "pattern": DATE_PATTERN,
        "description": "A date: YYYY-MM-DD, YYYY-MM or YYYY."}
TEXT = {"type": "string", "minLength": 1, "pattern": r"\S"}
LINES = {"type": "array", "items": TEXT, "minItems": 1}
URL = {"type": "string", "pattern": r"^https?://[^\s/$.?#][^\s]*$", "description": "An http(s) URL."}



def caveat(what: str) -> dict:
    """A team's caveat ("UNSURE ..."): a check warning, and a review comment on `what`."""
    return {"type": "string", "description": f"A caveat (\"UNSURE ...\"): a check warning, and a review "
                                             f"comment on the {what} in every draft."}


ROLES = ["secretary", "senator", "representative", "delegate", "resident-commissioner",
         "ceo", "governor", "ambassador", "official", "other",
         # parliaments beyond Congress (with `country:`): a member, a minister
         "mp", "minister"]
# Where a recipient holds office: US (the default), a country whose forms of address drafter
# knows (ISO 3166 alpha-2), or EU (the European Parliament). See drafter/people/forms.yaml.
COUNTRIES = ["US", "GB", "DE", "FR", "CA", "AU", "EU"]
# The letter's language and country (BCP 47): see drafter/locale/locales.yaml.
LOCALES = ["en-US", "en-GB", "de-DE", "fr-FR", "en-CA", "en-AU"]

# A recipient query. No oneOf: a value's JSON type picks the rule (keywords apply only to their own
# type), so a mistake is reported at the key that has it ("to[0].role: 'senatr' is not allowed")
# rather than as "expected string, found list" about the whole `to`.
QUERY_RULES = {"additionalProperties": False, "minProperties": 1, "properties": {
    "role": {"type": ["string", "array"], "if": {"type": "string"}, "then": {"enum": ROLES},
             "items": {"enum": ROLES}, "description": "A role, or a list of roles (any of them)."},
    "state": {"type": ["string", "array"], "items": {"type": "string"}},
    "district": {"type": ["integer", "array"], "items": {"type": "integer"}},
    "membership": {"type": ["string", "array"], "items": {"type": "string"}},
    "country": {"type": ["string", "array"], "items": {"type": "string"}},
    "constituency": {"type": ["string", "array"], "items": {"type": "string"}},
}}
QUERY = {"type": "object", **QUERY_RULES}
