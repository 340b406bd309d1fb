"""The person and household pages' sections and timelines (core.sections): each list registers
its own, the pages merge them newest first, bounded, scoped and masked (DESIGN §1, §8)."""

import datetime

from fupin.core.sections import (
    TIMELINE_LIMIT,
    TimelineSource,
    household_timeline,
    person_timeline,
    timeline,
)
from fupin.core.timeline import TimelineEntry
from fupin.employment.models import Employment, Placement, Venture, WelfarePost
from fupin.registry import services
from fupin.registry.tests.factories import make_person
from fupin.training.models import Course, Enrolment

D = datetime.date
PHONE = "13912345678"


def family(demo_users):
    a = demo_users["village_a"].scope_code
    head = make_person(area_code=a, name="甲", phone=PHONE)
    wife = make_person(household=head.household, name="甲妻", relation="02")
    course = Course.objects.create(area_code=a[:9], name="2017年电焊班", kind="02",
                                   provider="培训中心", start_date=D(2017, 4, 1),
                                   end_date=D(2017, 4, 10), place="镇上", capacity=30)
    Enrolment.objects.create(course=course, person=head, area_code=a, status="completed",
                             completed_on=D(2017, 4, 10))
    Employment.objects.create(person=head, area_code=a, employer="某厂", place="04",
                              start_date=D(2017, 5, 1), end_date=D(2018, 1, 31))
    post = WelfarePost.objects.create(area_code=a, name="保洁员岗", kind="01", monthly_pay=500,
                                      established=D(2017, 1, 1))
    Placement.objects.create(post=post, person=wife, area_code=a, start_date=D(2017, 2, 1))
    Venture.objects.create(person=wife, area_code=a, business="农家乐", start_date=D(2016, 1, 1))
    return head, wife


def titles(entries):
    return [e.title for e in entries]


def test_the_person_page_merges_every_lists_entries_newest_first(demo_users, client):
    head, _wife = family(demo_users)
    worker = demo_users["village_a"]
    services.person_update(actor=worker, person=head, data={"name": "甲"},
                           protected={"phone": "13800000000"}, expected_version=head.version)
    entries = timeline(person_timeline, user=worker, obj=head)
    dated = [e for e in entries if e.at.year < 2020]
    assert titles(dated) == ["务工结束：某厂", "开始务工：某厂", "培训结业：2017年电焊班",
                             "参加培训：2017年电焊班"]
    # registered and changed (today) come first; a change names the fields, not the values
    assert [e.title for e in entries[:2]] == ["修改登记信息", "创建登记信息"]
    assert "联系电话" in entries[0].text and "138" not in entries[0].text
    assert all(isinstance(e.at, datetime.datetime) for e in entries)
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    client.force_login(worker)
    html = client.get(f"/registry/persons/{head.pk}/").content.decode()
    for key in ("timeline", "training", "work"):
        assert f'data-section="{key}"' in html
    assert "2017年电焊班" in html and "某厂" in html and "务工结束：某厂" in html


def test_the_household_page_shows_each_members_records(demo_users, client):
    head, wife = family(demo_users)
    client.force_login(demo_users["village_a"])
    html = client.get(f"/registry/households/{head.household_id}/").content.decode()
    for key in ("timeline", "training", "work"):
        assert f'data-section="{key}"' in html
    assert "甲妻 · 公益性岗位上岗：保洁员岗" in html and "甲 · 参加培训：2017年电焊班" in html
    assert "登记成员：甲妻" in html and "甲妻 · 农家乐" in html
    # a retired member's records leave the household's sections, her leaving stays
    services.person_retire(actor=demo_users["village_a"], person=wife, reason="迁出")
    html = client.get(f"/registry/households/{head.household_id}/").content.decode()
    assert "保洁员岗" not in html and "成员停用：甲妻" in html


def test_a_masked_reader_sees_nothing_personal_in_the_timeline(demo_users, client):
    head, _wife = family(demo_users)
    services.person_update(actor=demo_users["village_a"], person=head, data={"name": "甲"},
                           protected={"phone": "13800000000"}, expected_version=head.version)
    client.force_login(demo_users["leader"])
    for url in (f"/registry/persons/{head.pk}/", f"/registry/households/{head.household_id}/"):
        html = client.get(url).content.decode()
        assert 'data-section="timeline"' in html
        for clear in (PHONE, "13800000000", "1391234", "5678"):
            assert clear not in html


def test_the_timeline_is_scoped_bounded_and_open_to_new_sources(demo_users):
    head, _wife = family(demo_users)
    other = demo_users["village_b"]  # another village: the person's records are not theirs
    assert timeline(person_timeline, user=other, obj=head) == []
    assert timeline(household_timeline, user=other, obj=head.household) == []
    many = [TimelineEntry(at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
                          + datetime.timedelta(days=i), title=f"回访{i}") for i in range(80)]
    person_timeline.register(TimelineSource(key="followups", order=40,
                                            entries=lambda user, obj: many))
    try:
        entries = timeline(person_timeline, user=demo_users["village_a"], obj=head)
    finally:
        person_timeline.unregister("followups")
    assert len(entries) == TIMELINE_LIMIT
    # today's registration is newer than any 2020 visit; then the visits, newest first
    assert entries[0].title == "创建登记信息" and entries[1].title == "回访79"
    assert "回访30" not in titles(entries)
