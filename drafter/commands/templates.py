"""`drafter templates list`: the campaign's templates, each with the first line of its opening
Jinja comment (its description)."""
from __future__ import annotations

from pathlib import Path

from drafter.campaign.load import TEMPLATES_DIR, TEMPLATE_SUFFIX
from drafter.compose.render import read_template
from drafter.errors import DrafterError


def list_templates(root: str | Path) -> list[tuple[str, str]]:
    """(name, description) of each template in letters/templates/, by name."""
    folder = Path(root) / TEMPLATES_DIR
    paths = sorted(folder.glob(f"*{TEMPLATE_SUFFIX}")) if folder.is_dir() else []
    return [(p.name[: -len(TEMPLATE_SUFFIX)], description(p)) for p in paths]


def description(path: Path) -> str:
    """The first line of a template's opening {# comment #}, or "" (or why it was not read: a
    link out of the campaign, a FIFO)."""
    try:
        text = read_template(path, path.parent.parent.parent).lstrip()
    except DrafterError as exc:
        return f"(not read: {exc.message})"
    if text.startswith("{#"):
        first = text[2:].lstrip("- \n").splitlines()[0] if text[2:].strip() else ""
        return first.strip().rstrip("-#}").strip()
    return ""
