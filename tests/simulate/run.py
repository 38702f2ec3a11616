"""Run the tests that exercise what differs between systems, as Windows or macOS would see them.

    python tests/simulate/run.py windows|macos|native [pytest arguments]

`windows` and `macos` put this folder's sitecustomize.py in front of every Python process the
tests start (DRAFTER_SIMULATE, PYTHONPATH), which takes away what that system's Python lacks;
`native` runs the same tests as they are (.github/workflows/ci.yml runs it on real Windows and
macOS). The tests: placing files, batch, draft, file names, volunteers' CSVs, the template
sandbox, the log, the volunteers' page, LibreOffice's look-up and stop, Typst's PDFs (fonts found by
file name, batch helpers forked or spawned), and the docs' commands.
The browser test is left out (Chromium runs the same on every system).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
TESTS = ["test_files.py", "test_batch.py", "test_draft.py", "test_names.py", "test_csv_excel.py",
         "test_sandbox_limits.py", "test_hostile.py", "test_log.py", "test_log_batch.py", "test_serve.py",
         "test_serve_pdf.py", "test_soffice.py", "test_docs.py"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in ("windows", "macos", "native"):
        print(__doc__.strip().splitlines()[2].strip(), file=sys.stderr)
        return 2
    mode, extra = argv[0], argv[1:]
    env = dict(os.environ)
    if mode != "native":
        env["DRAFTER_SIMULATE"] = mode
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), str(REPO), env.get("PYTHONPATH")]))
    tests = [str(Path("tests") / name) for name in TESTS if (REPO / "tests" / name).exists()]
    print(f"tests as on {mode}: {' '.join(tests)}", flush=True)
    return subprocess.call([sys.executable, "-m", "pytest", "-q", *tests, *extra], cwd=REPO, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
