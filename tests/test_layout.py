"""The layout docs/developers.md describes: data flows one way, so no stage imports a later one,
and no command module imports another (each is the library function behind one command)."""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "drafter"
# Earliest first; `errors` is shared by all, `api` (the Python API) sits on top of everything.
STAGES = ("errors", "campaign", "people", "compose", "formats", "output", "log", "commands", "web", "cli", "api")


def _imports(path: Path):
    """Every drafter module `path` imports, at the top or inside a function."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            yield from (a.name for a in node.names)


def _parts(module: str) -> list[str]:
    return module.split(".")[1:] if module.split(".")[0] == "drafter" else []


def test_no_stage_imports_a_later_one():
    later = []
    for path in sorted(PACKAGE.rglob("*.py")):
        own = path.relative_to(PACKAGE).with_suffix("").parts
        if own[0] not in STAGES:
            continue        # drafter/__init__.py and __main__.py: the entry points
        for module in _imports(path):
            target = _parts(module)
            if target and target[0] in STAGES and STAGES.index(target[0]) > STAGES.index(own[0]):
                later.append(f"{'/'.join(own)}.py imports {module}")
    assert not later, "\n".join(sorted(set(later)))


def test_no_command_module_imports_another():
    commands = {p.stem for p in (PACKAGE / "commands").glob("*.py")} - {"__init__"}
    crossing = []
    for path in sorted((PACKAGE / "commands").glob("*.py")):
        for module in _imports(path):
            target = _parts(module)
            if target[:1] == ["commands"] and len(target) > 1 and target[1] in commands - {path.stem}:
                crossing.append(f"commands/{path.name} imports {module}")
    assert not crossing, "\n".join(sorted(set(crossing)))
