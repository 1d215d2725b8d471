"""Refresh the moderator UI catalogs: extract messages, merge into each language, compile the .mo files.

Run after changing user-visible text: `.venv/bin/python scripts/update_translations.py`, then fill in
the new msgstr entries of moderation/translations/id/LC_MESSAGES/messages.po and run it again.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CATALOGS = ROOT / "moderation" / "translations"
PYBABEL = [sys.executable, "-m", "babel.messages.frontend"]


def main() -> None:
    pot = CATALOGS / "messages.pot"
    subprocess.run([*PYBABEL, "extract", "-F", "babel.cfg", "-k", "_", "--no-location", "--sort-output",
                    "-o", str(pot), "."], cwd=ROOT, check=True)
    for locale in ("id", "en"):
        po = CATALOGS / locale / "LC_MESSAGES" / "messages.po"
        action = "update" if po.exists() else "init"
        subprocess.run([*PYBABEL, action, "-i", str(pot), "-d", str(CATALOGS), "-l", locale], cwd=ROOT, check=True)
    subprocess.run([*PYBABEL, "compile", "-d", str(CATALOGS)], cwd=ROOT, check=True)


if __name__ == "__main__":
    main()
