"""`drafter init DIR`: a new campaign folder with a small working example to edit."""
from __future__ import annotations

from importlib import resources
from pathlib import Path

from drafter.errors import OutputError
from drafter.campaign.schemas import schema_json
from drafter.output.files import write_all

STARTER_FILES = ("evidence.yaml", "recipients.yaml", "asks.yaml", "letters/example.yaml",
                 "letters/templates/example.md.j2")
SCHEMA_FILES = ("evidence", "recipients", "asks")
# The campaign log holds volunteers' names and addresses: it stays out of the campaign's git.
GITIGNORE = "# drafter's campaign log holds personal data (names, addresses, emails): never commit it\n" \
            "drafter-log.sqlite\ndrafter-log.sqlite-wal\ndrafter-log.sqlite-shm\n"


def init_campaign(folder: str | Path) -> list[Path]:
    """Write the starter campaign into `folder` (new or empty); return the paths written."""
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise OutputError("is not an empty folder; nothing was written", file=str(folder),
                          hint="choose a new folder name")
    starter = resources.files("drafter") / "starter"
    files = [(folder / name, (starter / name).read_bytes()) for name in STARTER_FILES]
    files += [(folder / f"{kind}.schema.json", schema_json(kind).encode()) for kind in SCHEMA_FILES]
    files.append((folder / ".gitignore", GITIGNORE.encode()))
    try:
        for path, _ in files:
            path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create the folder: {exc.strerror}", file=str(folder)) from None
    write_all(files)
    return [path for path, _ in files]
