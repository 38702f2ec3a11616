"""Citation formatting through citeproc-py, and the CSL rules drafter makes it follow."""
from __future__ import annotations

import datetime as dt

import pytest
from click.testing import CliRunner

from drafter.campaign.load import _csl_item
from drafter.compose.citations import Citer, CiteItem
from drafter.cli import main
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


# --- Chicago forms for laws and government documents (PRODUCT.md) ------------------------------
# Items as Zotero's "Export: CSL JSON" writes them (statute -> legislation, letter ->
# personal_communication, presentation -> speech, web page with a type -> genre).

LAWS = {
    "uflpa": {"type": "legislation", "title": "Uyghur Forced Labor Prevention Act", "number": "117-78",
              "container-title": "Statutes at Large", "volume": "135", "page": "1525", "issued": 2021},
    "usc": {"type": "legislation", "title": "Tariff Act of 1930", "container-title": "United States Code",
            "volume": "19", "section": "§ 1307", "issued": 2018},
    "cfr": {"type": "regulation", "title": "License Requirements That Apply to Entities Acting Contrary "
            "to the National Security or Foreign Policy Interests of the United States",
            "container-title": "Code of Federal Regulations", "volume": "15", "section": "744.11",
            "issued": 2023},
    "eo": {"type": "legislation", "genre": "Executive Order", "number": "13818",
           "title": "Blocking the Property of Persons Involved in Serious Human Rights Abuse or Corruption",
           "container-title": "Federal Register", "volume": "82", "page": "60839–60841",
           "issued": dt.date(2017, 12, 26)},
    "rule": {"type": "regulation", "title": "Additions to the Entity List", "container-title": "Fed. Reg.",
             "volume": "88", "page": "38080", "issued": dt.date(2023, 6, 12)},
    "letter": {"type": "personal_communication", "title": "Letter to Casper",
               "author": [{"literal": "Congressional-Executive Commission on China"}],
               "recipient": [{"family": "Casper", "given": "Marc N."}], "issued": dt.date(2022, 12, 15),
               "URL": "https://example.org/letter.pdf"},
    "speech": {"type": "speech", "title": "Secretary Antony J. Blinken at Freedom House 2023 Annual Awards Ceremony",
               "title-short": "Blinken at Freedom House", "author": [{"family": "Blinken", "given": "Antony J."}], "event-place": "Washington, DC",
               "issued": dt.date(2023, 5, 9), "URL": "https://example.org/remarks"},
    "press": {"type": "webpage", "genre": "Press Statement", "title": "Visa Restrictions on PRC Officials",
              "publisher": "U.S. Department of State", "issued": dt.date(2023, 8, 22),
              "URL": "https://example.org/press"},
    "report": {"type": "report", "title": "Mass DNA Collection in the Tibet Autonomous Region from 2016–2022",
               "author": [{"family": "Dirks", "given": "Emile"}], "publisher": "The Citizen Lab",
               "publisher-place": "Toronto", "issued": dt.date(2022, 9, 13), "URL": "https://example.org/r"},
    "supp": {"type": "regulation", "title": "Supplement No. 5 to part 744", "unconfirmed": ["title"],
             "container-title": "Code of Federal Regulations", "volume": "15", "part-number": "744",
             "supplement-number": "5", "issued": 2023},
    "omnibus": {"type": "legislation", "title": "Tibetan Policy and Support Act of 2020", "number": "116-260",
                "division": "FF", "section": "title III", "container-title": "Statutes at Large",
                "volume": "134", "page": "1182", "issued": 2020},
    "described": {"type": "webpage", "genre": "press statement", "unconfirmed": ["title"],
                  "title": "Visa restrictions on PRC officials involved in the forcible assimilation of Tibetan "
                           "children in boarding schools",
                  "author": [{"family": "Blinken", "given": "Antony J."}], "publisher": "U.S. Department of State",
                  "issued": dt.date(2023, 8, 22)},
    "news": {"type": "article-newspaper", "title": "Thermo Fisher Stops Selling DNA Kits in Tibet",
             "author": [{"family": "Doe", "given": "Jane"}], "container-title": "Axios",
             "issued": dt.date(2024, 1, 5), "URL": "https://example.org/n"},
}

FIRST_AND_SHORT = {
    "uflpa": ("Uyghur Forced Labor Prevention Act, Pub. L. No. 117-78, 135 Stat. 1525 (2021).",
              "Uyghur Forced Labor Prevention Act."),
    "usc": ("19 U.S.C. § 1307 (2018).", "19 U.S.C. § 1307."),
    "cfr": ("License Requirements That Apply to Entities Acting Contrary to the National Security or Foreign "
            "Policy Interests of the United States, 15 C.F.R. § 744.11 (2023).", "15 C.F.R. § 744.11."),
    "eo": ("Exec. Order No. 13818, 82 Fed. Reg. 60839 (Dec. 26, 2017).", "Exec. Order No. 13818."),
    "rule": ("Additions to the Entity List, 88 Fed. Reg. 38080 (June 12, 2023).",
             "Additions to the Entity List, 88 Fed. Reg. 38080."),
    "letter": ("Congressional-Executive Commission on China to Marc N. Casper, December 15, 2022, "
               "https://example.org/letter.pdf.", "Congressional-Executive Commission on China to Casper."),
    "speech": ("Antony J. Blinken, “Secretary Antony J. Blinken at Freedom House 2023 Annual Awards Ceremony” "
               "(speech, Washington, DC, May 9, 2023), https://example.org/remarks.",
               "Blinken, “Blinken at Freedom House.”"),
    "press": ("U.S. Department of State, “Visa Restrictions on PRC Officials,” press statement, August 22, 2023, "
              "https://example.org/press.", "U.S. Department of State, “Visa Restrictions on PRC.”"),
    "report": ("Emile Dirks, Mass DNA Collection in the Tibet Autonomous Region from 2016–2022 (Toronto: The "
               "Citizen Lab, 2022), https://example.org/r.", "Dirks, Mass DNA Collection."),
    "supp": ("15 C.F.R. pt. 744, supp. no. 5 (2023).", "15 C.F.R. pt. 744, supp. no. 5."),
    "omnibus": ("Tibetan Policy and Support Act of 2020, Pub. L. No. 116-260, div. FF, tit. III, 134 Stat. 1182 "
                "(2020).", "Tibetan Policy and Support Act of 2020."),
    # the agency, not the Secretary who issued it; a title marked unconfirmed is not quoted
    "described": ("U.S. Department of State, Visa restrictions on PRC officials involved in the forcible "
                  "assimilation of Tibetan children in boarding schools, press statement, August 22, 2023.",
                  "U.S. Department of State, Visa restrictions on PRC."),
    "news": ("Jane Doe, “Thermo Fisher Stops Selling DNA Kits in Tibet,” Axios, January 5, 2024, "
             "https://example.org/n.", "Doe, “Thermo Fisher Stops Selling.”"),
}


@pytest.mark.parametrize("kind", list(FIRST_AND_SHORT))
def test_chicago_first_note_then_short_form(kind):
    first, short = citer(**{kind: LAWS[kind]}).notes([(CiteItem(kind),), (CiteItem(kind),)])
    assert (text(first), text(short)) == FIRST_AND_SHORT[kind]
    assert "Nos." not in text(first) and "CFR" not in text(first) and "Federal Register" not in text(first)


def test_a_letter_has_no_invented_italic_title():
    [note] = citer(letter=LAWS["letter"]).notes([(CiteItem("letter"),)])
    assert "Letter to Casper" not in text(note) and not any(r.italic for r in note)
    assert any(r.link == "https://example.org/letter.pdf" for r in note)


def test_titles_italic_in_reports_and_newspapers_only():
    c = citer(report=LAWS["report"], news=LAWS["news"], cfr=LAWS["cfr"])
    report, news, cfr = c.notes([(CiteItem("report"),), (CiteItem("news"),), (CiteItem("cfr"),)])
    assert [r.text for r in report if r.italic] == ["Mass DNA Collection in the Tibet Autonomous Region from 2016–2022"]
    assert [r.text for r in news if r.italic] == ["Axios"]
    assert not any(r.italic for r in cfr)


def test_short_title_is_at_most_four_words_unless_the_source_gives_one():
    from drafter.compose.chicago import short_title
    assert short_title("Mass DNA Collection in the Tibet Autonomous Region") == "Mass DNA Collection"
    assert short_title("Freedom in the World 2023") == "Freedom in the World"
    assert short_title("Tibet: A Report on the Surveillance of a Region") == "Report on the Surveillance"
    assert short_title("China: New Evidence") == "New Evidence"
    own = dict(LAWS["speech"], **{"title-short": "Freedom Awards Remarks"})
    _, short = citer(s=own).notes([(CiteItem("s"),), (CiteItem("s"),)])
    assert text(short) == "Blinken, “Freedom Awards Remarks.”"


def test_several_citations_in_one_note_keep_their_order_with_semicolons():
    c = citer(news=LAWS["news"], eo=LAWS["eo"], report=LAWS["report"])
    one, two = c.notes([(CiteItem("news"), CiteItem("eo"), CiteItem("report", "4")),
                        (CiteItem("eo"), CiteItem("news"))])
    assert text(one) == ("Jane Doe, “Thermo Fisher Stops Selling DNA Kits in Tibet,” Axios, January 5, 2024, "
                         "https://example.org/n; Exec. Order No. 13818, 82 Fed. Reg. 60839 (Dec. 26, 2017); "
                         "Emile Dirks, Mass DNA Collection in the Tibet Autonomous Region from 2016–2022 "
                         "(Toronto: The Citizen Lab, 2022), 4, https://example.org/r.")
    assert text(two) == "Exec. Order No. 13818; Doe, “Thermo Fisher Stops Selling.”"


def test_straight_quotes_in_titles_become_typographic_in_notes():
    [note] = citer(w={"type": "webpage", "title": "The \"Tibet\" Question and China's Police",
                      "author": [{"literal": "Group"}], "URL": "https://example.org/it's"}).notes([(CiteItem("w"),)])
    assert "“The ‘Tibet’ Question and China’s Police,”" in text(note)   # quotes within quotes
    assert any(r.link == "https://example.org/it's" and r.text == "https://example.org/it's" for r in note)


def test_smart_quotes_leave_verbatim_spans_alone():
    from drafter.compose.typography import VERBATIM_CLOSE, VERBATIM_OPEN, smart_quotes
    assert smart_quotes("He said \"it's 'fine'\" (\"ok\").") == "He said “it’s ‘fine’” (“ok”)."
    words = f"{VERBATIM_OPEN}I'm \"here\"{VERBATIM_CLOSE}"
    assert smart_quotes(f"\"{words}\" and it's") == f"“{words}” and it’s"


# --- notes in letters: adjacent markers, typographic body text --------------------------------

def body(tmp_path, template: str, sources: dict, snippets: dict | None = None, **context):
    from drafter.compose.render import BodyRenderer
    from drafter.campaign.models import Snippet
    (tmp_path / "t.md.j2").write_text(template)
    ev = Evidence({sid: Source(sid, _csl_item(sid, raw)) for sid, raw in sources.items()},
                  {nid: Snippet(nid, s, (next(iter(sources)),)) for nid, s in (snippets or {}).items()})
    return BodyRenderer(tmp_path, "t", ev).render(context)


def plain(blocks) -> str:
    from drafter.compose.letter import NoteRef
    return "\n".join("".join(f"[{x.number}]" if isinstance(x, NoteRef) else x.text for x in b.inlines)
                     for b in blocks)


def test_markers_with_no_text_between_make_one_note(tmp_path):
    rendered = body(tmp_path, "Both say so {{ cite('eo') }} {{ cite('news', locator=2) }}. Then "
                    "{{ cite('eo') }}, and {{ cite('news') }}{{ snippet('s').cite() }}{{ cite('eo') }}\n",
                    {"eo": LAWS["eo"], "news": LAWS["news"]}, {"s": "A fact."})
    assert plain(rendered.blocks) == "Both say so.[1] Then,[2] and[3]"
    assert rendered.clusters == [(CiteItem("eo"), CiteItem("news", "2")), (CiteItem("eo"),),
                                 (CiteItem("news"), CiteItem("eo"), CiteItem("eo"))]
    assert rendered.snippet_ids == [(), (), ("s",)]
    notes = citer(eo=LAWS["eo"], news=LAWS["news"]).notes(rendered.clusters)
    assert text(notes[0]).startswith("Exec. Order No. 13818, 82 Fed. Reg. 60839 (Dec. 26, 2017); Jane Doe, ")


def test_campaign_text_gets_typographic_quotes_but_a_volunteers_words_are_verbatim(tmp_path):
    """A value of the campaign's own (a profile's name, a string typed in an expression) is
    curled like the template around it; the volunteer's words (Verbatim) never are."""
    from drafter.campaign.models import Verbatim
    rendered = body(tmp_path, "The Commission's \"view\": {{ snippet('s') }}\n\n> {{ note }}\n\n"
                    "'{{ name }}' wrote it. {{ \"People's\" }} {{ 'the \"Act\"' }}\n", {"eo": LAWS["eo"]},
                    {"s": "Police can't say \"no.\""}, note=Verbatim("I'm \"worried\" -- it's 'real'"),
                    name="O'Brien")
    assert plain(rendered.blocks) == ("The Commission’s “view”: Police can’t say “no.”[1]\n"
                                      "I'm \"worried\" -- it's 'real'\n‘O’Brien’ wrote it. People’s the “Act”")


def test_urls_addresses_and_code_in_a_value_keep_their_quotes(tmp_path):
    rendered = body(tmp_path, "{{ v }}\n", {"eo": LAWS["eo"]},
                    v="Write to o'brien@example.org or @o'brien, see https://example.org/it's and `it's`, it's")
    assert plain(rendered.blocks) == ("Write to o'brien@example.org or @o'brien, see https://example.org/it's "
                                      "and `it's`, it’s")


def test_an_empty_value_on_its_own_line_still_ends_a_paragraph(tmp_path):
    """The marks that keep a value verbatim are not put around nothing: the line stays blank."""
    for value in ("", "  "):
        rendered = body(tmp_path, "One it's.\n{{ v }}\nTwo.\n\n{% for i in [1, 2] %}\nItem {{ i }}.\n\n{{ '' }}\n"
                        "{% endfor %}", {"eo": LAWS["eo"]}, v=value)
        assert plain(rendered.blocks) == "One it’s.\nTwo.\nItem 1.\nItem 2."


def test_a_volunteers_words_are_never_altered_in_batch_letters(campaign, shared, tmp_path):
    from test_batch import run as run_batch, write_people
    people = write_people(tmp_path / "people.csv", [
        ["Pema O'Example", "12 King's Road", "Waltham", "MA", "02451", "",
         "I'm a \"volunteer\" -- my family's\ue004 in Lhasa.\ue005"]])   # private-use marks too
    out = tmp_path / "out"
    result = run_batch(campaign, shared, out, "--format", "docx", "--format", "txt", people=people)
    assert result.exit_code == 0, result.output
    for txt in out.glob("*.txt"):
        letter = txt.read_text()
        words = "I'm a \"volunteer\" -- my family's\ue004 in Lhasa.\ue005"   # exactly as typed
        assert words in letter
        assert "Pema O'Example" in letter and "12 King's Road" in letter      # name and street too
        rest = letter.replace(words, "").replace("Pema O'Example", "").replace("12 King's Road", "")
        assert "’" in letter and "'" not in rest


def test_pinpoints_in_legal_notes():
    c = citer(cfr=LAWS["cfr"], eo=LAWS["eo"])
    cfr, eo, again = c.notes([(CiteItem("cfr", "(b)", "section"),), (CiteItem("eo", "60840"),),
                              (CiteItem("cfr", "(c)", "section"),)])
    assert text(cfr).endswith("United States, 15 C.F.R. § 744.11(b) (2023).")
    assert text(eo) == "Exec. Order No. 13818, 82 Fed. Reg. 60839, 60840 (Dec. 26, 2017)."
    assert text(again) == "15 C.F.R. § 744.11(c)."


def test_a_draft_has_one_footnote_for_adjacent_citations_and_curly_quotes_throughout(campaign, tmp_path):
    import re
    from click.testing import CliRunner
    from conftest import check_docx, docx_text
    from drafter.cli import main
    template = campaign / "letters" / "templates" / "company-ceo.md.j2"
    template.write_text("The Commission's \"asks\" rest on law.{{ cite('eo-13818') }}{{ cite('ear-744-11') }} "
                        "As {{ recipient.name }} knows, the order applies.{{ cite('eo-13818') }}\n\n"
                        "{{ snippet('blinken-concern') }}\n")
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [docx] = sorted(out.glob("*.docx"))
    report = check_docx(docx)
    assert re.search(r"\b3 footnotes", report), report
    body, notes = docx_text(docx), docx_text(docx, "word/footnotes.xml")
    assert "The Commission’s “asks” rest on law." in body and "“We’re also concerned" in body
    assert "'" not in body and '"' not in body
    assert ("Exec. Order No. 13818, 82 Fed. Reg. 60839 (Dec. 26, 2017); License requirements that apply to "
            "entities acting contrary to the national security or foreign policy interests of the United States, "
            "15 C.F.R. § 744.11 (2023).") in notes
    assert "Exec. Order No. 13818.\n" in notes and "Blinken, “Blinken at Freedom House.”" not in notes
    # the transcript's own title, in Chicago's speech form
    assert ("Antony J. Blinken, “Secretary Antony J. Blinken at Freedom House 2023 Annual Awards Ceremony” "
            "(speech, Washington, DC, May 9, 2023), U.S. Department of State.") in notes


def test_a_merged_note_keeps_the_review_comments_of_each_snippet(campaign, tmp_path):
    from click.testing import CliRunner
    from conftest import docx_text
    from drafter.cli import main
    template = campaign / "letters" / "templates" / "company-ceo.md.j2"
    template.write_text("Two unverified facts.{{ snippet('dna-method').cite() }}{{ snippet('dna-no-crime').cite() }}\n")
    out = tmp_path / "drafts"
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [docx] = sorted(out.glob("*.docx"))
    comments = docx_text(docx, "word/comments.xml")
    assert "Evidence 'dna-method'" in comments and "Evidence 'dna-no-crime'" in comments


def test_letters_without_a_recipient_and_speeches_at_an_event():
    letter = {k: v for k, v in LAWS["letter"].items() if k != "recipient"}
    speech = dict(LAWS["speech"], genre="Keynote Address", **{"event-title": "Annual Freedom Awards"})
    c = citer(letter=letter, speech=speech)
    first, short, talk = c.notes([(CiteItem("letter"),), (CiteItem("letter"),), (CiteItem("speech"),)])
    assert text(first) == ("Congressional-Executive Commission on China, “Letter to Casper,” letter, "
                           "December 15, 2022, https://example.org/letter.pdf.")
    assert text(short) == "Congressional-Executive Commission on China, “Letter to Casper.”"
    assert text(talk) == ("Antony J. Blinken, “Secretary Antony J. Blinken at Freedom House 2023 Annual Awards "
                          "Ceremony” (keynote address, Annual Freedom Awards, Washington, DC, May 9, 2023), "
                          "https://example.org/remarks.")


def test_the_policy_docs_show_the_notes_drafter_gives():
    import re
    import yaml
    from conftest import REPO
    doc = (REPO / "docs" / "policy.md").read_text()
    section = doc[doc.index("## Citing laws and government documents"):doc.index("## Forms of address")]
    examples = re.findall(r"```yaml\n(.*?)```\n\n> (.*?)\\\n> Later: (.*?)\n", section, re.S)
    assert len(examples) == 11
    for block, first, later in examples:
        [(sid, raw)] = yaml.safe_load(block).items()
        full, short = citer(**{sid: raw}).notes([(CiteItem(sid),), (CiteItem(sid),)])
        assert (text(full), text(short)) == (first.replace("*", ""), later.replace("*", "")), sid


def test_a_code_section_typed_into_the_title_is_cited_in_form():
    c = citer(old={"type": "regulation", "title": "15 CFR 744.11, License requirements that apply to entities"},
              usc={"type": "legislation", "title": "19 U.S.C. § 1307", "issued": 2018})
    old, usc, again = c.notes([(CiteItem("old"),), (CiteItem("usc"),), (CiteItem("old"),)])
    assert text(old) == "License requirements that apply to entities, 15 C.F.R. § 744.11."
    assert (text(usc), text(again)) == ("19 U.S.C. § 1307 (2018).", "15 C.F.R. § 744.11.")


def test_parts_of_acts_and_orders_print_and_a_supplement_typed_into_the_title_is_read():
    """division:, section: on a law or an order used to be accepted and silently dropped."""
    law = dict(LAWS["omnibus"], section="title III, section 301")
    bare = dict(LAWS["omnibus"], division="Division FF", section="301")
    eo = dict(LAWS["eo"], section="1(a)")
    typed = {"type": "regulation", "title": "15 CFR Part 744, Supplement No. 5", "issued": 2023}
    headed = {"type": "regulation", "title": "15 C.F.R. pt. 744, supp. no. 5, Procedures", "issued": 2023}
    part = {"type": "regulation", "title": "Control Policy", "container-title": "CFR", "volume": "15",
            "part-number": "744", "issued": 2023}
    c = citer(law=law, bare=bare, eo=eo, typed=typed, headed=headed, part=part)
    notes = [text(n) for n in c.notes([(CiteItem(k),) for k in ("law", "bare", "eo", "typed", "headed", "part")])]
    assert notes == [
        "Tibetan Policy and Support Act of 2020, Pub. L. No. 116-260, div. FF, tit. III, § 301, 134 Stat. 1182 (2020).",
        "Tibetan Policy and Support Act of 2020, Pub. L. No. 116-260, div. FF, § 301, 134 Stat. 1182 (2020).",
        "Exec. Order No. 13818, § 1(a), 82 Fed. Reg. 60839 (Dec. 26, 2017).",
        "15 C.F.R. pt. 744, supp. no. 5 (2023).",            # no heading given: cited by number
        "Procedures, 15 C.F.R. pt. 744, supp. no. 5 (2023).",
        "Control Policy, 15 C.F.R. pt. 744 (2023)."]


def test_an_unconfirmed_title_is_never_quoted_or_italic_whatever_the_kind():
    c = citer(web={"type": "webpage", "title": "Statement on children in boarding schools", "unconfirmed": ["title"],
                   "author": [{"literal": "Group"}], "issued": dt.date(2022, 1, 2)},
              rep=dict(LAWS["report"], unconfirmed=["title"], title="Report on DNA collection in the region"),
              speech=dict(LAWS["speech"], unconfirmed=["title"], title="Remarks on Tibet"),
              ok=LAWS["speech"])
    web, rep, speech, again, ok = c.notes([(CiteItem("web"),), (CiteItem("rep"),), (CiteItem("speech"),),
                                          (CiteItem("web"),), (CiteItem("ok"),)])
    assert text(web) == "Group, Statement on children in boarding schools, January 2, 2022."   # as written, not title-cased
    assert text(again) == "Group, Statement on children."
    assert not any(r.italic for r in rep) and "(Toronto: The Citizen Lab, 2022)" in text(rep)
    assert text(rep).startswith("Emile Dirks, Report on DNA collection in the region (Toronto")
    assert text(speech).startswith("Antony J. Blinken, Remarks on Tibet (speech, ")
    assert "“Secretary Antony J. Blinken at Freedom House 2023 Annual Awards Ceremony”" in text(ok)


def test_an_unconfirmed_field_other_than_the_title_is_a_review_comment(campaign, tmp_path):
    from conftest import docx_text
    evidence = campaign / "evidence.yaml"
    evidence.write_text(evidence.read_text().replace("    issued: 2024-01                # the day is not confirmed",
                                                     "    issued: 2024-01\n    unconfirmed: [issued]"))
    out = tmp_path / "out"
    template = campaign / "letters/templates/company-ceo.md.j2"
    template.write_text(template.read_text() + "\n{{ snippet('thermofisher-decision') }}\n")
    result = CliRunner().invoke(main, ["-C", str(campaign), "draft", "company-ceo", "-o", str(out)])
    assert result.exit_code == 0, result.output
    [docx] = out.glob("*.docx")
    assert ("Source 'thermofisher-halt-2024': issued not confirmed against a primary copy; confirm before sending."
            in docx_text(docx, "word/comments.xml"))
