"""This year's courses in the demo township (after the five lists' 2017 records): one planned
and one that its township officer opens through the workflow, so that the course buttons,
the 报名中的培训班 card and the village workers' notifications have something to show
(DESIGN §2 list 2, §8)."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from fupin.core import workflows

from . import services
from .models import Course

# (name, days from today to the start, days long, places, opened by the township)
PLAN = [("电子商务培训班", 5, 10, 40, True), ("家政服务培训班", 30, 7, 30, False)]


def demo_step(*, password: str, options: dict) -> str:
    officer = get_user_model().objects.filter(username="lizhou_township").first()
    if officer is None or not officer.scope_code:
        return ""
    today = timezone.localdate()
    made = []
    for topic, begins, days, places, opened in PLAN:
        name = f"{today.year}年{topic}"
        if Course.objects.filter(area_code=officer.scope_code, name=name).exists():
            continue
        start = today + datetime.timedelta(days=begins)
        course = services.course_create(actor=officer, data={
            "area_code": officer.scope_code, "name": name, "kind": "03",
            "provider": "利州区就业服务中心", "start_date": start,
            "end_date": start + datetime.timedelta(days=days - 1),
            "place": "东坝街道便民服务中心", "capacity": places, "subsidy_per_person": 800})
        if opened:
            workflows.transition(actor=officer, obj=course, name="open",
                                 expected_version=course.version)
        made.append(name)
    return f"培训：本年度 {len(made)} 个培训班（{'、'.join(made)}）" if made else ""
