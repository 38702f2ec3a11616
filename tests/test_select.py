"""Selecting recipients by id, group and query; grouping into joint or separate letters."""
from __future__ import annotations

import pytest

from drafter.errors import DataError
from drafter.campaign.models import Recipient
from drafter.people.select import group_letters, select_recipients

PEOPLE = {
    "raimondo": Recipient("raimondo", "Gina M. Raimondo", "secretary", memberships=("end-user-review-committee",)),
    "yellen": Recipient("yellen", "Janet L. Yellen", "secretary",
                        memberships=("end-user-review-committee", "global-magnitsky")),
    "merkley": Recipient("merkley", "Jeff Merkley", "senator", state="OR",
                         committees=({"id": "SSFR", "title": "Ranking Member"},)),
    "bonamici": Recipient("bonamici", "Suzanne Bonamici", "representative", state="OR", district=1),
    "casper": Recipient("casper", "Marc N. Casper", "ceo"),
}


def ids(rs):
    return [r.id for r in rs]


def test_ids_keep_the_spec_order_and_dedupe():
    assert ids(select_recipients(PEOPLE, ["yellen", "raimondo", "yellen"])) == ["yellen", "raimondo"]


def test_queries_by_role_state_district_membership():
    assert ids(select_recipients(PEOPLE, [{"role": "secretary"}])) == ["raimondo", "yellen"]
    assert ids(select_recipients(PEOPLE, [{"state": "or"}])) == ["merkley", "bonamici"]
    assert ids(select_recipients(PEOPLE, [{"state": "OR", "district": 1}])) == ["bonamici"]
    assert ids(select_recipients(PEOPLE, [{"membership": "global-magnitsky"}])) == ["yellen"]
    assert ids(select_recipients(PEOPLE, [{"membership": "SSFR"}])) == ["merkley"]   # a committee id
    assert ids(select_recipients(PEOPLE, [{"role": ["ceo", "senator"]}])) == ["merkley", "casper"]


def test_queries_skip_former_officials_but_ids_do_not():
    people = dict(PEOPLE, gone=Recipient("gone", "Pat Former", "senator", state="OR", former=True))
    assert ids(select_recipients(people, [{"state": "OR"}])) == ["merkley", "bonamici"]
    assert ids(select_recipients(people, ["gone"])) == ["gone"]


def test_groups_and_mixed_entries():
    groups = {"erc": ["raimondo", "yellen"]}
    assert ids(select_recipients(PEOPLE, ["casper", "erc"], groups)) == ["casper", "raimondo", "yellen"]


def test_unknown_id_suggests_and_empty_query_fails():
    with pytest.raises(DataError, match="did you mean 'raimondo'"):
        select_recipients(PEOPLE, ["raimond"])
    with pytest.raises(DataError, match="no recipient matches"):
        select_recipients(PEOPLE, [{"state": "WY"}])


def test_joint_and_each():
    rs = select_recipients(PEOPLE, ["raimondo", "yellen"])
    assert [ids(g) for g in group_letters(rs, "joint")] == [["raimondo", "yellen"]]
    assert [ids(g) for g in group_letters(rs, "each")] == [["raimondo"], ["yellen"]]
