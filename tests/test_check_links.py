"""check and sources without a URL: a note shows a link wherever there is one, so a cited source
without one is a warning at its line; a social post cannot cite one at all (kit refuses it), so
that is an error at the template's line, reported by check first (issue 26)."""
from __future__ import annotations

from drafter.commands.check import check_campaign
from test_check import EVIDENCE, TODAY, errors, make_campaign, warnings

NO_URL = EVIDENCE.replace("    URL: https://www.hrw.org/news/2022/09/05/china-new-evidence-mass-dna-collection-tibet\n",
                          "    author: [{literal: Human Rights Watch}]\n")
LAWS = """\
  eo-13818:
    type: legislation
    genre: executive order
    number: "13818"
    title: Blocking the Property of Persons Involved in Serious Human Rights Abuse or Corruption
    container-title: Federal Register
    volume: "82"
    page: "60839"
    issued: 2017-12-26
  speech:
    type: speech
    title: Remarks
    author: [{family: Blinken, given: Antony J.}]
    issued: 2023-05-09
"""


def test_a_cited_source_without_a_url_is_one_warning_at_its_line(tmp_path):
    evidence = NO_URL.replace("snippets:\n", LAWS + "snippets:\n")
    template = ('We write. {{ snippet("dna-scale") }} {{ snippet("dna-localities") }} Again '
                '{{ snippet("dna-localities") }}. {{ cite("eo-13818") }}\n')
    found = check_campaign(make_campaign(tmp_path, evidence=evidence, template=template), today=TODAY)
    assert errors(found) == []
    linkless = [(f.file, f.line, f.column, f.message, f.hint) for f in warnings(found) if "no URL" in f.message]
    # hrw-2022 once, however often it is cited; an executive order is cited by its reporter and
    # needs none; the speech is cited nowhere, so it has its own warning and not this one
    assert linkless == [(str(tmp_path / "evidence.yaml"), 9, 3, "source 'hrw-2022' is cited but has no URL",
                         "add its URL, so that notes link to it")]
    assert any(f.message == "source 'speech' is not cited anywhere" for f in warnings(found))


def social(root, text: str):
    (root / "letters" / "templates" / "kit-social.md.j2").write_text(text)


def test_a_social_post_citing_a_source_without_a_url_is_an_error_at_its_line(tmp_path):
    root = make_campaign(tmp_path, evidence=NO_URL)
    social(root, '{{ snippet("dna-scale") }} #Tibet\n\n{{ snippet("dna-localities") }} #Tibet\n\n'
                 '{% for s in snippets(tag="dna") %}{{ s }}\n\n{% endfor %}')
    found = errors(check_campaign(root, today=TODAY))
    where = str(root / "letters/templates/kit-social.md.j2")
    message = "a social post cites source 'hrw-2022', which has no URL to link"
    assert [(f.file, f.line, f.column, f.message) for f in found] == [(where, 3, 12, message), (where, 5, 26, message)]
    assert found[0].hint == "give the source a URL in evidence.yaml, or post another fact"


def test_a_computed_citation_in_a_post_is_found_by_rendering_it(tmp_path):
    """An id check cannot read from the template is still reported, at the template."""
    root = make_campaign(tmp_path, evidence=NO_URL)
    social(root, '{% set fact = "dna-" ~ "localities" %}{{ snippet(fact) }} #Tibet\n')
    found = errors(check_campaign(root, today=TODAY))
    assert [(f.file, f.line, f.message) for f in found] == [
        (str(root / "letters/templates/kit-social.md.j2"), None,
         "a social post cites source 'hrw-2022', which has no URL to link")]


def test_the_same_facts_with_links_pass(tmp_path):
    root = make_campaign(tmp_path)
    social(root, '{{ snippet("dna-scale") }} #Tibet\n\n{{ snippet("dna-localities") }} #Tibet\n')
    assert check_campaign(root, today=TODAY) == []
