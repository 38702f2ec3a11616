"""Citation formatting through citeproc-py, and the CSL rules drafter makes it follow."""
from __future__ import annotations

import datetime as dt

import pytest

from drafter.campaign.load import _csl_item
from drafter.compose.citations import Citer, CiteItem
from drafter.errors import DataError
from drafter.campaign.models import Evidence, Source


def citer(**sources) -> Citer:
    return Citer(Evidence({sid: Source(sid, _csl_item(sid, raw)) for sid, raw in sources.items()}, {}))


def text(runs) -> str:
    return "".join(r.text for r in runs)


BOOK = {"type": "book", "title": "A Book", "author": [{"family": "Dirks", "given": "Emile"}],
        "publisher": "Press", "issued": 2020}


def test_given_names_are_not_initialized_in_chicago_notes():
    [note] = citer(b=BOOK).notes([(CiteItem("b"),)])
    assert text(note).startswith("Emile Dirks, ")


def test_a_label_shows_only_with_its_variable():
    c = citer(news={"type": "article-newspaper", "title": "Title", "container-title": "Axios",
                    "issued": "2024-01"},
              ed=dict(BOOK, edition="2"))
    news, ed = c.notes([(CiteItem("news"),), (CiteItem("ed"),)])
    assert "Edition" not in text(news) and "ed." not in text(news)
    assert "2nd ed." in text(ed)


def test_us_punctuation_goes_inside_quotation_marks():
    [note] = citer(w={"type": "webpage", "title": "A Page", "author": [{"literal": "Group"}],
                      "issued": dt.date(2022, 9, 5)}).notes([(CiteItem("w"),)])
    assert "“A Page,”" in text(note)


def test_titles_italic_and_urls_linked():
    [note] = citer(b=dict(BOOK, URL="https://example.org/b")).notes([(CiteItem("b", "4"),)])
    assert any(r.italic and r.text == "A Book" for r in note)
    assert any(r.link == "https://example.org/b" for r in note)
    assert ", 4, " in text(note)


def test_unknown_style_suggests_a_name():
    with pytest.raises(DataError, match="did you mean"):
        Citer(Evidence({}, {}), "chicago-notes-bibliograhy")
