"""The training pages in English (the shared catalogue, fupin/locale, carries them)."""

from fupin.training.tests.factories import make_course


def test_course_page_in_english(demo_users, client, township):
    course = make_course(area_code=township)
    client.force_login(demo_users["village_a"])
    client.cookies["django_language"] = "en"
    html = client.get(f"/training/courses/{course.pk}/").content.decode()
    assert "Roster" in html and "Planned places" in html and "学员名单" not in html
    assert "Enrol: type the ID number" in html
    # the count of registered trainees is the status (its context), not the verb
    counts = html.split('data-testid="course-counts"')[1].split("</ul>")[0]
    assert "<li>Registered：" in counts and "<li>Enrol：" not in counts
