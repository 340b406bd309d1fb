"""The needs list's rules (提出 → 已受理 → 已解决 / 无法解决): the effects of the closing steps.
The table is in models.Need.workflow; the steps run through core.workflows.transition."""

from __future__ import annotations

from django.apps import apps
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core.errors import ServiceError

#: the records a need can be met by ("app_label.model")
RECORD_TYPES = ("training.enrolment", "employment.employment", "employment.venture",
                "employment.placement")


def linked_record(need, actor, record_type: str, record_id):
    """The record that met `need`, checked: one of RECORD_TYPES, active, visible to the actor,
    about the need's person or a member of the same household. ServiceError otherwise."""
    if record_type not in RECORD_TYPES:
        raise ServiceError(_("关联记录类型无效。"), field="met_record_type")
    try:
        record_id = int(record_id)
    except (TypeError, ValueError):
        raise ServiceError(_("请填写关联记录编号。"), field="met_record_id") from None
    model = apps.get_model(record_type)
    record = (model.objects.visible_to(actor).filter(pk=record_id, retired_at__isnull=True)
              .select_related("person").first())
    if record is None:
        raise ServiceError(_("关联记录不存在或不在您的管辖范围内。"), field="met_record_id")
    person = need.person
    if record.person_id != person.pk and record.person.household_id != person.household_id:
        raise ServiceError(_("关联记录不是该劳动力或其家庭成员的记录。"), field="met_record_id")
    return record


def need_meet(need, actor, payload: dict) -> dict:
    """Sets met_by, resolution, closed_on and the linked record (checked: in the actor's
    scope, about the same person or household)."""
    from .models import MetBy

    met_by = payload.get("met_by") or ""
    if met_by not in MetBy.values:
        raise ServiceError(_("请选择解决方式。"), field="met_by")
    record_type = payload.get("met_record_type") or ""
    record_id = payload.get("met_record_id")
    if record_type or record_id not in (None, ""):
        record = linked_record(need, actor, record_type, record_id)
        need.met_record_type, need.met_record_id = record_type, record.pk
    else:
        need.met_record_type, need.met_record_id = "", None
    need.met_by = met_by
    need.resolution = (payload.get("resolution") or "")[:300]
    need.closed_on = timezone.localdate()
    return payload


def need_fail(need, actor, payload: dict) -> dict:
    """Closes the need. Its resolution (办理情况) is the step's reason — written by the
    workflow (the `fail` step's reason_field), since the reason is not part of the payload."""
    need.closed_on = timezone.localdate()
    return payload


def need_link(need) -> str:
    try:
        return reverse("followups:need_detail", args=[need.pk])
    except NoReverseMatch:
        return f"/followups/needs/{need.pk}/"


def record_link(need) -> str:
    """The page of the record that met the need ("" when none or no page)."""
    if not need.met_record_type or not need.met_record_id:
        return ""
    app_label, model = need.met_record_type.split(".")
    for name in (f"{app_label}:{model}_detail",):
        try:
            return reverse(name, args=[need.met_record_id])
        except NoReverseMatch:
            continue
    return ""


def notify_raiser(need, event, actor) -> None:
    """Tell the raiser the need was closed — only if they can still see it."""
    from fupin.core.notifications import notify

    from .models import Need

    raiser = need.raised_by
    if raiser is None or not raiser.is_active:
        return
    if not Need.objects.visible_to(raiser).filter(pk=need.pk).exists():
        return
    text = _("您提出的需求“%(need)s”已办结：%(status)s。") % {
        "need": need, "status": need.get_status_display()}
    notify(recipients=[raiser], kind="followups.need", text=text, link=need_link(need),
           area_code=need.area_code, exclude=actor)
