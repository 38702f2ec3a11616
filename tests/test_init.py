"""drafter init: a new campaign folder that drafts at once."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from conftest import docx_check
from drafter.cli import main


def test_init_gives_a_campaign_that_checks_and_drafts(tmp_path, shared):
    folder = tmp_path / "campaign"
    result = CliRunner().invoke(main, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    assert (folder / "letters" / "templates" / "example.md.j2").is_file()
    check = CliRunner().invoke(main, ["-C", str(folder), "check"])
    assert check.exit_code == 0 and "0 error(s)" in check.output
    drafted = CliRunner().invoke(main, ["-C", str(folder), "draft", "example"])
    assert drafted.exit_code == 0, drafted.output
    [path] = (folder / "drafts").glob("*.docx")
    assert "4 footnotes" in docx_check(shared, path)
    schema = CliRunner().invoke(main, ["schema", "evidence"]).output
    assert (folder / "evidence.schema.json").read_text() == schema


def test_init_never_writes_into_a_folder_with_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1 and "not an empty folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.slow
def test_init_gives_working_kit_templates(tmp_path, shared, soffice):
    folder = tmp_path / "campaign"
    assert CliRunner().invoke(main, ["init", str(folder)]).exit_code == 0
    kit = CliRunner().invoke(main, ["-C", str(folder), "kit", "example"])
    assert kit.exit_code == 0, kit.output
    made = {p.name for p in (folder / "kit" / "example").iterdir()}
    assert made == {"email.txt", "social.txt", "factsheet.docx", "kit.md"}
    assert "fact sheet: 1 page(s) (limit 1)" in kit.output
    docx_check(shared, folder / "kit" / "example" / "factsheet.docx")
    # Given a phone number, the recipient gets a call script.
    recipients = folder / "recipients.yaml"
    recipients.write_text(recipients.read_text().replace("    as_of:", '    phone: "(202) 555-0100"\n    as_of:'))
    calls = CliRunner().invoke(main, ["-C", str(folder), "kit", "example", "-o", str(tmp_path / "k2")])
    assert calls.exit_code == 0, calls.output
    script = (tmp_path / "k2" / "call-script-raimondo.txt").read_text()
    assert script.startswith("Call Secretary Raimondo’s office: (202) 555-0100")
