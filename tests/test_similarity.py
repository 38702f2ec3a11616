"""compose/similarity.py: PRODUCT.md's measure (Jaccard over five-word sequences), exact for a
pair; fingerprints that estimate it; and the nearest-letter search that a batch and `log stats
--similar` use, held to the exact measure and to work that grows with the letters, not their square."""
from __future__ import annotations

import random

import pytest
from hypothesis import given, settings, strategies as st

from drafter.compose import similarity as S

PARAGRAPHS = [
    "I am writing as your constituent to ask you to act against the mass collection of DNA by police.",
    "The scale of this program is without precedent. Between June 2016 and July 2022, police collected "
    "roughly a million DNA samples, from a quarter to a third of the region’s people.",
    "Collection is not confined to a few places. Children are not spared; nothing in the public record "
    "suggests that people are able to refuse.",
    "I ask that you co-sign a letter urging the administration to add the Public Security Bureaus to the "
    "Entity List.",
    "American technology and American markets should play no part in the genetic surveillance of Tibetans.",
]
VOCABULARY = ("my family grandmother town school lived worked years friends neighbours worry afraid hope "
              "church temple students teacher nurse river farm winter letters photos phone calls visit "
              "never again always remember sister brother uncle market mountains monastery prayer").split()


def message(rnd: random.Random, words: int) -> str:
    return " ".join(rnd.choice(VOCABULARY) for _ in range(words)) + "."


def letter(rnd: random.Random, own_words: int, shared: int = len(PARAGRAPHS)) -> list[str]:
    """A constituent letter's parts: the campaign's paragraphs (the first `shared` of them),
    with the volunteer's own message of `own_words` words after the first."""
    parts = ["Dear Senator Example:", PARAGRAPHS[0]]
    if own_words:
        parts.append(message(rnd, own_words))
    return parts + PARAGRAPHS[1:shared] + ["Sincerely,"]


# ---- the measure ------------------------------------------------------------------------------------

def test_words_are_lower_cased_without_punctuation_and_apostrophes_join():
    assert S.words("The People’s Republic—of “China”, 2016: don't!") == \
        ["the", "peoples", "republic", "of", "china", "2016", "dont"]


def test_exact_similarity_by_hand():
    a = "one two three four five six"          # shingles: 1-5, 2-6
    b = "one two three four five seven"        # shingles: 1-5, 2-7
    assert S.shingles(a) == {("one", "two", "three", "four", "five"), ("two", "three", "four", "five", "six")}
    assert S.similarity(a, b) == pytest.approx(1 / 3)
    assert S.similarity(a, a.upper() + "!") == 1.0
    assert S.similarity(a, "completely different words are here now") == 0.0
    assert S.similarity("too short", "too short") == 0.0         # no five-word sequence at all


def test_letter_text_runs_from_salutation_to_closing_without_notes(campaign):
    from drafter.campaign.load import load_campaign
    from drafter.compose.composer import Composer
    from drafter.compose.constituent import constituent_letter, constituent_spec
    from drafter.people.samples import SAMPLE_CONSTITUENT, SAMPLE_MEMBERS
    c = load_campaign(campaign)
    made = constituent_letter(Composer(c, constituent_spec(c, "constituent")), SAMPLE_CONSTITUENT, SAMPLE_MEMBERS[0])
    text = S.letter_text(made)
    assert text.startswith(made.salutation) and text.endswith(made.closing)
    assert "As your constituent in" in text and "End-User Review Committee adds entities" in text
    notes = " ".join(run.text for note in made.notes for run in note.inlines)
    assert "Citizen Lab" in notes and "Citizen Lab" not in text and "[1]" not in text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=300))
def test_fast_tokens_are_the_words(text):
    assert S._tokens(text) == [w.encode() for w in S.words(text)]


# ---- fingerprints -----------------------------------------------------------------------------------

def test_a_fingerprint_is_the_same_on_every_system_and_in_every_version():
    """The log keeps fingerprints from many laptops: they must compare across systems and
    across versions of drafter. The shingle hash is CPython's tuple hash where hash() is it, and
    the same algorithm written out elsewhere."""
    rnd = random.Random(7)
    parts = letter(rnd, 40)
    fp = S.fingerprint(parts)
    assert len(fp) == 2 * S.BINS and S.decode(S.encode(fp)) == fp and len(S.encode(fp)) == S.FINGERPRINT_CHARS
    sample = tuple(rnd.getrandbits(60) for _ in range(5))
    assert S._tuple_hash(sample) == hash(sample)
    S._parts.clear()
    written_out = pytest.MonkeyPatch()
    written_out.setattr(S, "_shingle_hash", S._tuple_hash)
    try:
        assert S.fingerprint(parts) == fp
    finally:
        written_out.undo()
        S._parts.clear()


def test_the_fixed_fingerprint_of_a_fixed_text():
    # Written down once: a change to the words, the hashing or the bins would make every
    # fingerprint already in a log incomparable with new ones.
    text = ("The People’s Republic of China collected DNA samples from a quarter to a third of the "
            "people, with no apparent link to any criminal investigation.")
    assert S.encode(S.fingerprint(text)) == (
        "AiwSj0uVbnqmY256S5VLlePY8csKNBKPEo88SEuVN3A8SDdwS5WmYz6vS5UKNHtYWKfxy8Pg49jj2PHL8ctueuPYS5U+r0nsPq9J7PQbCjTx"
        "y0uVAix7WD6ve1jD4AIse1gxLUnsPq+mYzdwbnoKNKZjSew8SDEtPq/j2Ao09BtYp0uVWKcCLBKP49gxLaZj8ct7WDdw8cvj2PQb49g+r8Pg"
        "CjTD4Ao09Bt7WOPYMS1uekuV8ct7WFinSexuej6vPq/xyz6vCjR7WEuVN3D0GzdwN3A8SOPYWKcSj3tYS5U8SD6vSez0G+PYAixLlQIsEo8C"
        "LDEt9BsCLMPgw+Bueg==")


def test_paragraphs_remembered_give_the_same_fingerprint_as_the_whole_text():
    rnd = random.Random(3)
    for _ in range(30):
        parts = letter(rnd, rnd.choice([0, 3, 12, 60]), rnd.randint(1, len(PARAGRAPHS)))
        parts.insert(rnd.randrange(len(parts)), rnd.choice(["", "a b", "Yes."]))     # short paragraphs
        whole = "\n".join(parts)
        S._parts.clear()
        first = S.fingerprint(whole)
        assert S.fingerprint(parts) == first == S.fingerprint(parts)          # remembered, the same
    assert S.fingerprint("four words only here") == b""


def test_estimates_agree_with_the_exact_measure():
    rnd = random.Random(11)
    errors = []
    for _ in range(300):
        a, b = letter(rnd, rnd.randint(0, 150)), letter(rnd, rnd.randint(0, 150), rnd.randint(1, len(PARAGRAPHS)))
        exact = S.similarity("\n".join(a), "\n".join(b))
        errors.append(S.estimate(S.fingerprint(a), S.fingerprint(b)) - exact)
    assert max(abs(e) for e in errors) < 0.15
    assert sum(abs(e) for e in errors) / len(errors) < 0.04
    assert abs(sum(errors) / len(errors)) < 0.02           # no bias


# ---- many letters -----------------------------------------------------------------------------------

def brute_force(texts: list[str], groups: list[str]) -> list[float]:
    sets = [S.shingles(t) for t in texts]
    return [max((S.jaccard(sets[i], sets[j]) for j in range(len(texts)) if j != i and groups[j] == groups[i]),
                default=0.0) for i in range(len(texts))]


def test_nearest_agrees_with_comparing_every_pair():
    """400 letters to four offices, some copies with a word or two changed, some with long
    messages of their own: the letter each is said to be nearest is (by the exact measure)
    close to its true nearest, and the letters above 0.5 are nearly the same ones."""
    rnd = random.Random(5)
    texts, groups = [], []
    for i in range(400):
        parts = letter(rnd, rnd.choice([0, 0, 5, 30, 80, 160, 300]), rnd.randint(2, len(PARAGRAPHS)))
        texts.append("\n".join(parts))
        groups.append(f"office-{i % 4}")
    found = S.nearest([S.fingerprint(t) for t in texts], groups)
    truth = brute_force(texts, groups)
    sets = [S.shingles(t) for t in texts]
    close = sum(abs(S.jaccard(sets[i], sets[j]) - truth[i]) <= 0.1 for i, (j, _) in enumerate(found))
    assert close >= 0.95 * len(texts)
    above_exact = {i for i, t in enumerate(truth) if t > 0.5}
    above_found = {i for i, (_, s) in enumerate(found) if s > 0.5}
    assert 50 < len(above_exact) < 350                     # the test has letters on both sides
    assert len(above_exact ^ above_found) <= 0.05 * len(texts)
    assert all(groups[j] == groups[i] and j != i for i, (j, _) in enumerate(found))


def test_identical_letters_and_a_letter_alone():
    fp = S.fingerprint("\n".join(PARAGRAPHS))
    other = S.fingerprint(PARAGRAPHS[0] + " and more words of my own here")
    found = S.nearest([fp, fp, fp, other, fp], ["a", "a", "a", "a", "b"])
    assert [s for _, s in found[:3]] == [1.0, 1.0, 1.0] and {j for j, _ in found[:3]} == {0, 1, 2}
    assert found[3][0] in (0, 1, 2) and found[3][1] < 0.5
    assert found[4] == (None, 0.0)                          # alone to its office


def test_ten_thousand_alike_letters_to_one_office_are_not_compared_pair_by_pair(monkeypatch):
    """The worst case for a search: every letter like every other. The comparisons stay under
    CANDIDATES + 1 per letter (every pair would be 50 million)."""
    rnd = random.Random(9)
    fps = [S.fingerprint(letter(rnd, rnd.choice([0, 4, 8]))) for _ in range(10_000)]
    calls = []
    real = S._agree
    monkeypatch.setattr(S, "_agree", lambda a, b: calls.append(1) or real(a, b))
    found = S.nearest(fps, ["office"] * len(fps))
    assert len(calls) <= (S.CANDIDATES + 1) * len(fps)
    assert S.above(found) >= 0.99 * len(fps)               # all read as one form letter
