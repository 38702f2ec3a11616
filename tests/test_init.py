"""drafter init: a new campaign folder that drafts at once."""
from __future__ import annotations

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
    assert "3 footnotes" in docx_check(shared, path)
    schema = CliRunner().invoke(main, ["schema", "evidence"]).output
    assert (folder / "evidence.schema.json").read_text() == schema


def test_init_never_writes_into_a_folder_with_files(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["init", str(tmp_path)])
    assert result.exit_code == 1 and "not an empty folder" in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
