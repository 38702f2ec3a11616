"""`drafter check`: every problem in a campaign folder, each with file, line and a suggestion."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2

from .campaign import LETTERS_DIR, Campaign, build_evidence, build_people, check_letter_doc, read_campaign
from .errors import DataError, DrafterError
from .render import make_environment
from .yamlsrc import load_yaml


@dataclass(frozen=True)
class Finding:
    severity: str          # "error" | "warning"
    file: str | None
    line: int | None
    column: int | None
    message: str
    hint: str | None = None

    @classmethod
    def of(cls, exc: DrafterError, severity: str = "error") -> "Finding":
        return cls(severity, exc.file, exc.line, exc.column, exc.message, exc.hint)

    def __str__(self) -> str:
        loc = ":".join(str(p) for p in (self.file, self.line, self.column) if p is not None)
        text = f"{loc}: {self.severity}: {self.message}" if loc else f"{self.severity}: {self.message}"
        return text + (f" ({self.hint})" if self.hint else "")

    def as_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("severity", "file", "line", "column", "message", "hint")}


def _templates(campaign: Campaign) -> list[Finding]:
    out = []
    if not campaign.templates_dir.is_dir():
        return out
    env = make_environment(campaign.templates_dir)
    for name in campaign.template_names():
        filename = f"{name}.md.j2"
        try:
            env.get_template(filename)
        except jinja2.TemplateSyntaxError as exc:
            out.append(Finding("error", str(campaign.templates_dir / filename), exc.lineno, None,
                               f"template syntax error: {exc.message}"))
    return out


def check_campaign(root: str | Path = ".") -> list[Finding]:
    """All findings for the campaign at `root`, errors and warnings, in file order."""
    root = Path(root)
    docs, errors = read_campaign(root)
    findings = [Finding.of(e) for e in errors]
    if findings or "evidence" not in docs or "recipients" not in docs:
        return findings
    evidence, ref_errors = build_evidence(docs["evidence"])
    findings += [Finding.of(e) for e in ref_errors]
    recipients, signers, groups = build_people(docs["recipients"])
    campaign = Campaign(root, evidence, recipients, signers, groups, docs)
    findings += _templates(campaign)
    for path in sorted((root / LETTERS_DIR).glob("*.yaml")):
        try:
            doc = load_yaml(path)
        except DataError as exc:
            findings.append(Finding.of(exc))
            continue
        findings += [Finding.of(e) for e in check_letter_doc(doc, campaign)]
    return findings
