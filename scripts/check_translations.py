"""Fail when the English catalogue is stale: a UI string without a current translation.

Extracts the messages afresh (``makemessages`` in a scratch copy of the tree, so the committed
files are untouched) and compares them with ``onewindow/locale/en/LC_MESSAGES/django.po``:
every extracted msgid must be in the committed file, translated and not fuzzy, and the
committed file must carry no msgid the code no longer uses.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "onewindow" / "locale" / "en" / "LC_MESSAGES" / "django.po"


def extract() -> polib.POFile:
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "onewindow"
        shutil.copytree(
            ROOT / "onewindow",
            copy,
            ignore=shutil.ignore_patterns("vendor", "__pycache__", "*.mo", "media"),
        )
        env = {**os.environ, "PYTHONPATH": tmp, "DJANGO_SETTINGS_MODULE": "onewindow.settings"}
        subprocess.run(
            [
                sys.executable,
                "-m",
                "django",
                "makemessages",
                "-l",
                "en",
                "--no-location",
                "--no-wrap",
                "-i",
                "static/*",
                "-i",
                "tests/*",
                "-i",
                "demo/*",
            ],
            cwd=copy,
            env=env,
            check=True,
            capture_output=True,
        )
        return polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))


def main() -> int:
    if not PO.exists():
        print(f"missing {PO.relative_to(ROOT)}")
        return 1
    fresh = extract()
    committed = polib.pofile(str(PO))
    have = {(e.msgctxt, e.msgid): e for e in committed if not e.obsolete}
    want = {(e.msgctxt, e.msgid) for e in fresh if not e.obsolete}
    problems = []
    for key in sorted(want, key=str):
        entry = have.get(key)
        if entry is None:
            problems.append(f"not in django.po: {key[1]!r}")
        elif "fuzzy" in entry.flags:
            problems.append(f"fuzzy: {key[1]!r}")
        elif not (entry.msgstr or all(entry.msgstr_plural.values() or [""])):
            problems.append(f"untranslated: {key[1]!r}")
    for key in sorted(set(have) - want, key=str):
        problems.append(f"no longer used: {key[1]!r}")
    for line in problems:
        print(line)
    if problems:
        print(f"{len(problems)} translation problem(s): run `make messages` and translate.")
        return 1
    print(f"translations current: {len(want)} messages")
    return 0


if __name__ == "__main__":
    sys.exit(main())
