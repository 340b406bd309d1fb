"""Notifications (消息提醒, DESIGN §8): the one service every module calls to tell people.

    notify(recipients=users_for(roles=[Role.TOWNSHIP_OFFICER], area_code=course.area_code),
           kind="course.ended", text=_("…"), link=course_url)

The in-app row is written in the caller's transaction (so a rolled-back action tells nobody);
the other channels in settings.FUPIN_NOTIFICATION_CHANNELS are told after commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.db.models import Q

from .models import Notification


def users_for(*, roles: Iterable[str], area_code: str, below: bool = False):
    """Active users with one of `roles` responsible for `area_code`.

    below=False: those whose scope contains the area ("the township officers of
    510802001001" are those of 510802001, and the county's above it if the role is theirs);
    below=True: those whose scope lies inside it ("the village workers of 510802001").
    """
    users = get_user_model().objects.filter(is_active=True, role__in=list(roles))
    if below:
        return users.filter(scope_area__pk__startswith=area_code)
    prefixes = [area_code[:n] for n in (2, 4, 6, 9, 12) if n <= len(area_code)]
    return users.filter(Q(scope_area_id__in=prefixes))


def notify(*, recipients, kind: str, text: str, link: str = "", area_code: str = "",
           exclude=None) -> list[Notification]:
    """Tell each recipient (users or a user queryset) once; `exclude` (a user) is skipped —
    the actor need not be told what they just did."""
    seen, rows = set(), []
    for user in recipients:
        if user.pk in seen or (exclude is not None and user.pk == exclude.pk):
            continue
        seen.add(user.pk)
        rows.append(Notification(recipient=user, kind=kind, text=str(text), link=link,
                                 area_code=area_code))
    return Notification.objects.bulk_create(rows)
