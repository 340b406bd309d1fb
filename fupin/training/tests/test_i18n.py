"""The training app ships its own English catalogue (fupin/training/locale): complete,
compiled, and used by the pages. `make messages` keeps it (makemessages writes an app's
strings to the app's own locale directory)."""

from pathlib import Path

from fupin.core.tests.test_i18n import entries
from fupin.training.tests.factories import make_course

PO = Path(__file__).resolve().parents[1] / "locale" / "en" / "LC_MESSAGES" / "django.po"


def test_training_catalogue_is_complete_and_compiled():
    import gettext

    found = list(entries(PO.read_text("utf-8")))
    assert [m for m, s, fuzzy in found if m and (not s or fuzzy)] == []
    with PO.with_suffix(".mo").open("rb") as fh:
        catalogue = gettext.GNUTranslations(fh)
    stale = [m for m, _s, _f in found
             if m and "\\" not in m and catalogue.gettext(m) == m]
    assert stale == []


def test_course_page_in_english(demo_users, client, township):
    course = make_course(area_code=township)
    client.force_login(demo_users["village_a"])
    client.cookies["django_language"] = "en"
    html = client.get(f"/training/courses/{course.pk}/").content.decode()
    assert "Roster" in html and "Planned places" in html and "学员名单" not in html
    assert "Enrol: type the ID number" in html
