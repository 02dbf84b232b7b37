"""Merge a dict of Russian translations into the .po file (a helper for translators).

Usage: python scripts/translate.py translations.py  — the file defines ``RU = {msgid: text}``.
Entries already translated in the .po keep their text unless the dict gives a new one.
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).resolve().parent.parent / "src/touchpath/locale/ru/LC_MESSAGES/touchpath.po"


def main(source: str) -> None:
    ru: dict[str, str] = runpy.run_path(source)["RU"]
    with PO.open("rb") as fh:
        catalogue = read_po(fh, locale="ru")
    for message in catalogue:
        if message.id and message.id in ru:
            message.string = ru[message.id]
            message.flags.discard("fuzzy")
    with PO.open("wb") as fh:
        write_po(fh, catalogue, width=100, omit_header=False, no_location=True)
    untranslated = [m.id for m in catalogue if m.id and not m.string]
    print(f"{len(untranslated)} untranslated", *untranslated[:20], sep="\n  ")


if __name__ == "__main__":
    main(sys.argv[1])
