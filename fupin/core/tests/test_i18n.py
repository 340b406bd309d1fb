"""Every string a user reads has an English translation (zh-hans is the source language)."""

import re
from pathlib import Path

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries(text: str):
    for block in text.split("\n\n"):
        if "msgid" not in block:
            continue
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not lines:  # an obsolete entry (#~), kept by makemessages without --no-obsolete
            continue
        fuzzy = "#, fuzzy" in block
        joined = "\n".join(lines)
        # a plural entry's msgid ends where its msgid_plural begins
        head = joined.split("msgstr")[0].split("msgid_plural")[0]
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', head, re.M))
        msgstr = "".join(re.findall(r'"(.*)"', joined.split("msgstr", 1)[1]))
        yield msgid, msgstr, fuzzy


def test_english_catalogue_is_complete():
    untranslated = [m for m, s, fuzzy in entries(PO.read_text("utf-8")) if m and (not s or fuzzy)]
    assert untranslated == [], f"run `make messages` and translate: {untranslated[:10]}"


def test_compiled_catalogue_is_current():
    import gettext

    with PO.with_suffix(".mo").open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    def unescape(text):
        return text.replace('\\"', '"').replace("\\n", "\n")

    stale = [m for m, _s, _f in entries(PO.read_text("utf-8"))
             if m and catalogue.gettext(unescape(m)) == unescape(m)
             and catalogue.ngettext(unescape(m), unescape(m), 1) == unescape(m)]
    assert stale == [], f"run `make messages` (compiled catalogue lacks {stale[:5]})"
