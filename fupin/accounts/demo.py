"""Demo users (issue: `fupin demo`): one per role, scoped in Lizhou and Wangcang."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from fupin.areas.models import Area, Level
from fupin.areas.selectors import area_full_name
from fupin.core.demo import DEMO_PASSWORD
from fupin.core.roles import Role

from .services import user_upsert

LIZHOU = "510802"    # 利州区
WANGCANG = "510821"  # 旺苍县
GUANGYUAN = "5108"   # 广元市
__all__ = ["DEMO_PASSWORD", "demo_users"]


def demo_areas() -> dict[str, str]:
    """Pick the demo scopes from the loaded tree, deterministically: the first Lizhou township
    with two villages (its first two villages for village_a and village_b) and the first
    Wangcang township."""
    township = next(
        t for t in Area.objects.filter(parent_id=LIZHOU, level=Level.TOWNSHIP).order_by("code")
        if t.children.count() >= 2
    )
    villages = list(township.children.order_by("code").values_list("code", flat=True)[:2])
    wc_township = Area.objects.filter(parent_id=WANGCANG).order_by("code").first()
    return {"township": township.code, "village_a": villages[0], "village_b": villages[1],
            "wangcang_township": wc_township.code}


def demo_user_specs() -> list[dict]:
    a = demo_areas()
    return [
        {"username": "admin", "role": Role.ADMIN, "scope_code": GUANGYUAN,
         "full_name": _("系统管理员"), "is_superuser": True},
        {"username": "lizhou_county", "role": Role.COUNTY_OFFICER, "scope_code": LIZHOU,
         "full_name": _("利州区经办")},
        {"username": "wangcang_county", "role": Role.COUNTY_OFFICER, "scope_code": WANGCANG,
         "full_name": _("旺苍县经办")},
        {"username": "lizhou_township", "role": Role.TOWNSHIP_OFFICER,
         "scope_code": a["township"], "full_name": _("乡镇经办")},
        {"username": "village_a", "role": Role.VILLAGE_WORKER, "scope_code": a["village_a"],
         "full_name": _("村级专职人员甲")},
        {"username": "village_b", "role": Role.VILLAGE_WORKER, "scope_code": a["village_b"],
         "full_name": _("村级专职人员乙")},
        {"username": "leader", "role": Role.LEADER, "scope_code": GUANGYUAN,
         "full_name": _("市领导")},
        {"username": "inspector", "role": Role.INSPECTOR, "scope_code": GUANGYUAN,
         "full_name": _("督查员")},
        {"username": "expert", "role": Role.EXPERT, "scope_code": WANGCANG,
         "full_name": _("旺苍县专家")},
        {"username": "technician", "role": Role.TECHNICIAN,
         "scope_code": a["wangcang_township"], "full_name": _("产业技术员")},
    ]


def demo_users(*, password: str = DEMO_PASSWORD, stdout=None) -> list:
    users = []
    for spec in demo_user_specs():
        user, _changed = user_upsert(password=password, **spec)
        users.append(user)
    return users


def demo_step(*, password: str, options: dict) -> str:
    """`fupin demo`, order 10: one user per role (after the area tree, before the records)."""
    try:
        demo_users(password=password)
    except ValidationError as exc:
        raise CommandError(_("密码不符合要求：") + "；".join(exc.messages)) from exc
    return ""


def demo_summary(*, password: str) -> str:
    lines = [_("演示用户（密码：%(password)s）：") % {"password": password}]
    for spec in demo_user_specs():
        user = get_user_model().objects.get(username=spec["username"])
        lines.append(f"  {user.username:<16} {user.get_role_display():<8} "
                     f"{user.scope_code:<12} {area_full_name(user.scope_code)}")
    return "\n".join(lines)
