"""Consultations (会诊, DESIGN §5, issue 11 item 2): raise, route, answer, refer on site,
confirm; the thread and its photos; on-site visits; the time limits and the nightly notice.
The workflow's table is `models.Consultation.workflow`; its guards and effects are here, and
every step runs through `core.workflows.transition`.

Decisions (the issue is silent on them):
- Routing (分诊, a county officer or an administrator) may choose any active group of the
  consultation's county, not only its industry's: the triage clerk is there precisely to
  catch a problem filed under the wrong industry. The expert, if one is named, must be a
  current member of that group.
- Only experts answer (the diagnosis is theirs; `answered_by` is the Expert linked to the
  user): the routed expert, or any current member of the routed group, of the consultation's
  county. Officers do not answer; they may refer a consultation on site (dispatching an
  expert or a technician of the county), which is not counted as a first answer.
- Solved / unsolved is confirmed by the raiser, or by an officer whose scope holds the
  village (a farmer who phoned the township); a rating 1–5 is required for both.
- The auto-route rule (`TechaidPolicy.auto_route`) routes a new consultation to its
  industry's group in the county at once, when there is one; its event is the `route` step
  with no actor (系统), so that the timeline tells the rule from a person.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import places, scoping
from fupin.core import services as core
from fupin.core.bounds import date_error
from fupin.core.errors import ServiceError
from fupin.core.photos import photo_clean
from fupin.core.roles import OFFICERS, Role

from .models import (
    RAISERS,
    Consultation,
    Expert,
    ExpertGroup,
    GroupMember,
    Industry,
    Message,
    OnsiteVisit,
    Photo,
    TechaidPolicy,
    Technician,
    Urgency,
)

S = Consultation.Status
OPEN_STATES = (S.PENDING, S.AWAITING, S.ANSWERED, S.ONSITE)
CLOSED_STATES = (S.SOLVED, S.UNSOLVED)
MAX_PHOTOS = 6
TEXT_MAX = 5000
# the queue's order: 特急 first, then 紧急, then 普通
URGENCY_RANK = {Urgency.CRITICAL: 0, Urgency.URGENT: 1, Urgency.NORMAL: 2}

POLICY_EDITABLE = ["first_answer_hours_normal", "first_answer_hours_urgent",
                   "first_answer_hours_critical", "solve_days", "auto_route", "load_limit"]


# --- the policy (科技扶贫设置) ---

def policy() -> TechaidPolicy:
    """The settings row (pk 1), created with the defaults on first read."""
    obj, _created = TechaidPolicy.objects.get_or_create(pk=1)
    return obj


def policy_may_edit(user) -> bool:
    return core.settings_may_edit(user)


@transaction.atomic
def policy_update(*, actor, data: dict, expected_version: int | None) -> TechaidPolicy:
    """Change the settings (administrators only), with the lost-update guard and history.
    New limits apply to consultations raised from now on."""
    current, _changed = core.settings_update(
        model=TechaidPolicy, actor=actor, data=data, fields=POLICY_EDITABLE,
        expected_version=expected_version, what=_("科技扶贫设置"))
    return current


def answer_hours(pol: TechaidPolicy, urgency: str) -> int:
    return {Urgency.CRITICAL: pol.first_answer_hours_critical,
            Urgency.URGENT: pol.first_answer_hours_urgent}.get(
        urgency, pol.first_answer_hours_normal)


def due_times(pol: TechaidPolicy, urgency: str, raised_at) -> tuple:
    return (raised_at + datetime.timedelta(hours=answer_hours(pol, urgency)),
            raised_at + datetime.timedelta(days=pol.solve_days))


# --- who is who ---

def expert_of(user) -> Expert | None:
    """The active Expert linked to the user's account, or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.filter(user=user, retired_at__isnull=True).first()


def current_members(group) -> list[Expert]:
    return list(Expert.objects.filter(
        memberships__group=group, memberships__left_on__isnull=True,
        retired_at__isnull=True).distinct())


def is_member(expert, group) -> bool:
    return bool(expert and group) and GroupMember.objects.filter(
        group=group, expert=expert, left_on__isnull=True).exists()


def answer_refusal(consultation, user) -> str | None:
    """Why `user` may not answer `consultation` (None: they may): an expert of the
    consultation's county, the routed expert or a current member of the routed group."""
    expert = expert_of(user)
    if expert is None:
        return _("您的账号未关联专家，不能答复。")
    if expert.area_code != consultation.area_code[:6]:
        return _("只有本县的专家可以答复。")
    if consultation.expert_id and consultation.expert_id == expert.pk:
        return None
    if consultation.group_id and is_member(expert, consultation.group):
        return None
    if consultation.group_id:
        return _("该会诊已分派给“%(group)s”，您不是该组成员。") % {
            "group": consultation.group.name}
    return _("该会诊尚未分诊。")


def can_post(user, consultation) -> bool:
    """Who takes part in the thread: the raiser, the routed experts, officers in scope."""
    if not scoping.in_scope(user, consultation.area_code):
        return False
    if user.is_superuser or consultation.raised_by_id == user.pk:
        return True
    if getattr(user, "role", None) in OFFICERS:
        return True
    if getattr(user, "role", None) == Role.EXPERT:
        return answer_refusal(consultation, user) is None
    return False


def is_closed(consultation) -> bool:
    return consultation.status in CLOSED_STATES


def overdue_q(now=None) -> Q:
    """Overdue (超时): not answered by answer_due_at, or not closed by solve_due_at."""
    now = now or timezone.now()
    return (Q(status__in=[S.PENDING, S.AWAITING], first_answer_at__isnull=True,
              answer_due_at__lt=now)
            | Q(status__in=list(OPEN_STATES), solve_due_at__lt=now))


def is_overdue(consultation, now=None) -> bool:
    now = now or timezone.now()
    c = consultation
    if c.status in (S.PENDING, S.AWAITING) and c.first_answer_at is None \
            and c.answer_due_at and c.answer_due_at < now:
        return True
    return c.status in OPEN_STATES and bool(c.solve_due_at and c.solve_due_at < now)


def link(consultation) -> str:
    try:
        return reverse("techaid:consultation_detail", args=[consultation.pk])
    except NoReverseMatch:
        return f"/techaid/consultations/{consultation.pk}/"


# --- raise ---

def _pk(value, field: str, message: str):
    if value in (None, ""):
        return None
    if hasattr(value, "pk"):
        return value.pk
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ServiceError(message, field=field) from None


def _text(value, field: str, label: str, *, max_length: int, required=True) -> str:
    text = str(value or "").strip()
    if required and not text:
        raise ServiceError(_("请填写%(label)s。") % {"label": label}, field=field)
    if len(text) > max_length:
        raise ServiceError(_("%(label)s最多 %(n)s 字。") % {"label": label, "n": max_length},
                           field=field)
    return text


def _industry(value) -> Industry:
    pk = _pk(value, "industry", _("请选择产业。"))
    industry = Industry.objects.filter(pk=pk, retired_at__isnull=True).first() if pk else None
    if industry is None:
        raise ServiceError(_("请选择产业。"), field="industry")
    return industry


def _urgency(value) -> str:
    value = value or Urgency.NORMAL
    if value not in Urgency.values:
        raise ServiceError(_("请选择紧急程度（普通、紧急或特急）。"), field="urgency")
    return value


def _village(actor, area_code) -> str:
    code = str(area_code or "").strip()
    if not code:
        raise ServiceError(_("请选择所在村（社区）。"), field="area_code")
    if len(code) != 12 or not code.isdigit() or not places.exists(code):
        raise ServiceError(_("请选择到村（社区）一级。"), field="area_code")
    if not scoping.in_scope(actor, code):
        raise ServiceError(_("所选区划不在您的管辖范围内。"), field="area_code")
    return code


def _household(actor, value, village: str):
    from fupin.registry.models import Household

    pk = _pk(value, "household", _("贫困户无效。"))
    if pk is None:
        return None
    household = Household.objects.visible_to(actor).filter(pk=pk).first()
    if household is None:
        raise ServiceError(_("在您的管辖范围内没有这个贫困户。"), field="household")
    if household.retired_at is not None:
        raise ServiceError(_("该贫困户已停用。"), field="household")
    if household.area_code != village:
        raise ServiceError(_("该贫困户不在所选的村。"), field="household")
    return household


def _clean_photos(photos, field="photos") -> list:
    photos = [p for p in (photos or ()) if p]
    if len(photos) > MAX_PHOTOS:
        raise ServiceError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}, field=field)
    return [photo_clean(p, field=field) for p in photos]


def number(year: int, seq: int) -> str:
    """A consultation's number: HZ<year>-<nnnnnn>, counted per year (the services and the
    demo write the same numbers)."""
    return f"HZ{year}-{seq:06d}"


def last_seq(year: int) -> int:
    """The highest sequence number given in the year (0: none yet)."""
    prefix = number(year, 0)[:-6]
    last = (Consultation.objects.filter(number__startswith=prefix).order_by("-number")
            .values_list("number", flat=True).first())
    return int(last[len(prefix):]) if last else 0


def _next_number(year: int) -> str:
    return number(year, last_seq(year) + 1)


def _save_numbered(consultation) -> None:
    """Save a new consultation under the next number of its year. Two raised at once pick
    the same number: the unique index refuses the second, which takes the next (a savepoint
    per try, so the outer transaction survives)."""
    year = timezone.localtime(consultation.raised_at).year
    for _try in range(20):
        consultation.number = _next_number(year)
        try:
            with transaction.atomic():
                consultation.save()
            return
        except IntegrityError:
            if not Consultation.objects.filter(number=consultation.number).exists():
                raise
            consultation.pk = None
    raise ServiceError(_("编号生成冲突，请重试。"))


def _store_photo(*, actor, consultation, stored, message=None) -> Photo:
    photo = Photo(consultation=consultation, message=message, uploaded_by=actor)
    photo.image.save(stored.name, stored, save=False)
    photo._history_user = actor
    try:
        photo.save()
    except BaseException:
        photo.image.storage.delete(photo.image.name)
        raise
    return photo


def auto_group(*, county: str, industry) -> ExpertGroup | None:
    return ExpertGroup.objects.filter(area_code=county, industry=industry,
                                      retired_at__isnull=True).first()


@transaction.atomic
def consultation_raise(*, actor, data: dict, photos=()) -> Consultation:
    """Raise a consultation (RAISERS: village workers, technicians, officers) for a village
    in the actor's scope and optionally one of its households, with 0–6 photos. The limits
    come from the policy; with its auto-route rule the consultation goes at once to its
    industry's group of the county."""
    if not (actor.is_superuser or getattr(actor, "role", None) in RAISERS):
        raise PermissionDenied(_("您的角色不能提出会诊。"))
    village = _village(actor, data.get("area_code"))
    core.check_write(actor, Consultation, village)
    industry = _industry(data.get("industry"))
    title = _text(data.get("title"), "title", _("问题"), max_length=100)
    description = _text(data.get("description"), "description", _("症状描述"),
                        max_length=TEXT_MAX)
    urgency = _urgency(data.get("urgency"))
    household = _household(actor, data.get("household"), village)
    stored = _clean_photos(photos)
    pol = policy()
    now = timezone.now()
    answer_due, solve_due = due_times(pol, urgency, now)
    group = auto_group(county=village[:6], industry=industry) if pol.auto_route else None
    fields = {"area_code": village, "industry": industry, "title": title,
              "description": description, "urgency": urgency, "household": household,
              "raised_at": now, "raised_by": actor, "answer_due_at": answer_due,
              "solve_due_at": solve_due, "number": "HZ0000-000000"}
    if group is not None:  # created in its routed state (see the module's docstring)
        fields.update(status=S.AWAITING, group=group, routed_at=now)
    consultation = Consultation(**fields)
    consultation.full_clean(exclude=["number"])
    core._stamp(consultation, actor)
    _save_numbered(consultation)
    for item in stored:
        _store_photo(actor=actor, consultation=consultation, stored=item)
    if group is not None:
        _record_auto_route(consultation, group)
    return consultation


def _record_auto_route(consultation, group) -> None:
    from fupin.core.models import DomainEvent

    event = DomainEvent.objects.create(
        content_type=ContentType.objects.get_for_model(Consultation),
        object_id=consultation.pk, area_code=consultation.area_code, actor=None,
        transition="route", source=S.PENDING, target=S.AWAITING,
        reason=_("按产业规则自动分诊"), payload={"group": group.pk, "expert": None,
                                                 "auto": True})
    transaction.on_commit(lambda: notify_routed(consultation, event, None), robust=True)


@transaction.atomic
def consultation_update(*, actor, consultation, data: dict, expected_version) -> Consultation:
    """Correct the problem (industry, title, description, urgency) while it is open: the
    raisers of its area (not the experts). A new urgency moves the answer limit."""
    if not (actor.is_superuser or getattr(actor, "role", None) in RAISERS):
        raise PermissionDenied(_("您的角色不能修改会诊内容。"))
    scoping.assert_in_scope(actor, consultation.area_code)
    if is_closed(consultation):
        raise ServiceError(_("会诊已办结，不能修改。"))
    clean = {}
    if "industry" in data:
        clean["industry"] = _industry(data["industry"])
    if "title" in data:
        clean["title"] = _text(data["title"], "title", _("问题"), max_length=100)
    if "description" in data:
        clean["description"] = _text(data["description"], "description", _("症状描述"),
                                     max_length=TEXT_MAX)
    if "urgency" in data:
        clean["urgency"] = _urgency(data["urgency"])
        if clean["urgency"] != consultation.urgency:
            clean["answer_due_at"] = due_times(policy(), clean["urgency"],
                                               consultation.raised_at)[0]
    return core.record_update(actor=actor, instance=consultation, data=clean,
                              expected_version=expected_version)


@transaction.atomic
def consultation_retire(*, actor, consultation, reason: str = "") -> Consultation:
    """Retire a consultation raised by mistake (the raisers of its area; history kept)."""
    if not (actor.is_superuser or getattr(actor, "role", None) in RAISERS):
        raise PermissionDenied(_("您的角色无权停用会诊。"))
    return core.record_retire(actor=actor, instance=consultation, reason=reason)


# --- the workflow's guards and effects ---

def guard_route(consultation, actor):
    if not ExpertGroup.objects.filter(area_code=consultation.area_code[:6],
                                      retired_at__isnull=True).exists():
        return _("本县尚无专家服务组，请先组建专家服务组。")
    return None


def apply_route(consultation, actor, payload):
    gid = _pk(payload.get("group"), "group", _("请选择专家服务组。"))
    group = ExpertGroup.objects.filter(pk=gid, retired_at__isnull=True).first() if gid else None
    if group is None:
        raise ServiceError(_("请选择专家服务组。"), field="group")
    if group.area_code != consultation.area_code[:6]:
        raise ServiceError(_("只能分派给本县的专家服务组。"), field="group")
    eid = _pk(payload.get("expert"), "expert", _("负责专家无效。"))
    expert = None
    if eid is not None:
        expert = Expert.objects.filter(pk=eid, retired_at__isnull=True).first()
        if expert is None or not is_member(expert, group):
            raise ServiceError(_("负责专家须是该专家服务组的现任成员。"), field="expert")
    consultation.group, consultation.expert = group, expert
    consultation.routed_at = timezone.now()
    return {"group": group.pk, "expert": expert.pk if expert else None}


def guard_answer(consultation, actor):
    if actor.is_superuser and expert_of(actor) is None:
        return _("您的账号未关联专家，不能答复。")
    return answer_refusal(consultation, actor)


def guard_onsite(consultation, actor):
    if getattr(actor, "role", None) == Role.EXPERT:
        return answer_refusal(consultation, actor)
    return None  # an officer of the area (the step's roles and scope are checked by core)


def apply_answer(consultation, actor, payload):
    diagnosis = _text(payload.get("diagnosis"), "diagnosis", _("诊断"), max_length=TEXT_MAX)
    advice = _text(payload.get("advice"), "advice", _("技术建议"), max_length=TEXT_MAX)
    consultation.diagnosis, consultation.advice = diagnosis, advice
    consultation.outcome = Consultation.Outcome.ONLINE
    consultation.answered_by = expert_of(actor)
    consultation.first_answer_at = consultation.first_answer_at or timezone.now()
    return {"diagnosis": diagnosis, "advice": advice}


def _planned_on(value) -> datetime.date:
    if isinstance(value, datetime.date):
        day = value
    else:
        try:
            day = datetime.date.fromisoformat(str(value or "").strip())
        except ValueError:
            raise ServiceError(_("请填写面诊日期（年-月-日）。"), field="planned_on") from None
    error = date_error(day)
    if error:
        raise ServiceError(error, field="planned_on")
    if day < timezone.localdate():
        raise ServiceError(_("面诊日期不能早于今天。"), field="planned_on")
    return day


def apply_onsite(consultation, actor, payload):
    county = consultation.area_code[:6]
    planned_on = _planned_on(payload.get("planned_on"))
    eid = _pk(payload.get("onsite_expert"), "onsite_expert", _("面诊专家无效。"))
    tid = _pk(payload.get("onsite_technician"), "onsite_technician", _("面诊技术员无效。"))
    mine = expert_of(actor)
    expert = technician = None
    if eid is not None:
        expert = Expert.objects.filter(pk=eid, area_code=county, retired_at__isnull=True).first()
        if expert is None:
            raise ServiceError(_("面诊专家须是本县的专家。"), field="onsite_expert")
    if tid is not None:
        technician = Technician.objects.filter(pk=tid, area_code__startswith=county,
                                               retired_at__isnull=True).first()
        if technician is None:
            raise ServiceError(_("面诊技术员须是本县的技术员。"), field="onsite_technician")
    if expert is None and technician is None:
        if mine is None:
            raise ServiceError(_("请指定面诊专家或技术员。"), field="onsite_expert")
        expert = mine
    diagnosis = _text(payload.get("diagnosis"), "diagnosis", _("初步诊断"), max_length=TEXT_MAX,
                      required=False)
    if diagnosis:
        consultation.diagnosis = diagnosis
    consultation.outcome = Consultation.Outcome.ONSITE
    if mine is not None and getattr(actor, "role", None) == Role.EXPERT:
        consultation.answered_by = consultation.answered_by or mine
        consultation.first_answer_at = consultation.first_answer_at or timezone.now()
    visit = core.record_create(actor=actor, model=OnsiteVisit, data={
        "consultation": consultation, "area_code": consultation.area_code, "expert": expert,
        "technician": technician, "planned_on": planned_on})
    return {"planned_on": planned_on, "onsite_expert": expert.pk if expert else None,
            "onsite_technician": technician.pk if technician else None,
            "diagnosis": diagnosis, "visit": visit.pk}


def guard_confirm(consultation, actor):
    if actor.is_superuser or consultation.raised_by_id == actor.pk:
        return None
    if getattr(actor, "role", None) in OFFICERS:
        return None  # an officer whose scope holds the village (checked by core)
    return _("只有提出人或辖区经办人员可以确认是否解决。")


def apply_close(consultation, actor, payload):
    raw = payload.get("rating")
    try:
        rating = int(str(raw).strip())
    except (TypeError, ValueError):
        rating = None
    if rating is None or not 1 <= rating <= 5:
        raise ServiceError(_("评分须为 1 到 5 的整数。"), field="rating")
    consultation.rating = rating
    consultation.closed_at = timezone.now()
    return {"rating": rating}


# --- who is told ---

def _visible_users(consultation, users) -> list:
    out = []
    for user in users:
        if user is None or not user.is_active:
            continue
        if Consultation.objects.visible_to(user).filter(pk=consultation.pk).exists():
            out.append(user)
    return out


def notify_raiser(consultation, event, actor):
    from fupin.core.notifications import notify

    c = Consultation.objects.select_related("raised_by").get(pk=consultation.pk)
    text = (_("您提出的会诊“%(c)s”已答复，请查看并确认是否解决。")
            if c.status == S.ANSWERED else
            _("您提出的会诊“%(c)s”需现场面诊，已安排面诊任务。")) % {"c": c}
    notify(recipients=_visible_users(c, [c.raised_by]), kind="techaid.consultation.answered",
           text=text, link=link(c), area_code=c.area_code, exclude=actor)


def notify_routed(consultation, event, actor):
    """The routed expert, or every current member of the routed group (their accounts)."""
    from fupin.core.notifications import notify

    c = Consultation.objects.select_related("group", "expert__user").get(pk=consultation.pk)
    if c.expert_id:
        users = [c.expert.user]
    elif c.group_id:
        users = [e.user for e in current_members(c.group)]
    else:
        return
    text = _("新的会诊“%(c)s”（%(u)s）已分派给您，请及时答复。") % {
        "c": c, "u": c.get_urgency_display()}
    notify(recipients=_visible_users(c, users), kind="techaid.consultation.routed", text=text,
           link=link(c), area_code=c.area_code, exclude=actor)


def notify_chief(consultation, event, actor):
    from fupin.core.notifications import notify

    c = Consultation.objects.select_related("group__chief__user").get(pk=consultation.pk)
    chief = c.group.chief if c.group_id and c.group.chief_id else None
    if chief is None:
        return
    text = _("会诊“%(c)s”经确认未解决：%(r)s") % {"c": c, "r": event.reason}
    notify(recipients=_visible_users(c, [chief.user]), kind="techaid.consultation.unsolved",
           text=text, link=link(c), area_code=c.area_code, exclude=actor)


# --- the thread and photos ---

@transaction.atomic
def message_post(*, actor, consultation, text: str, photos=()) -> Message:
    """A post in the thread (the raiser, the routed experts, officers in scope), with 0–6
    photos; not once the consultation is closed."""
    scoping.assert_in_scope(actor, consultation.area_code)
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if current.retired_at is not None:
        raise ServiceError(_("该会诊已停用。"))
    if is_closed(current):
        raise ServiceError(_("会诊已办结，不能再留言。"))
    if not can_post(actor, current):
        raise PermissionDenied(_("只有提出人、负责专家和辖区经办人员可以在此留言。"))
    body = _text(text, "text", _("留言内容"), max_length=2000)
    stored = _clean_photos(photos)
    message = Message(consultation=current, author=actor, text=body)
    message._history_user = actor
    message.save()
    for item in stored:
        _store_photo(actor=actor, consultation=current, stored=item, message=message)
    transaction.on_commit(lambda: _notify_thread(current, message, actor), robust=True)
    return message


def _notify_thread(consultation, message, actor):
    from fupin.core.notifications import notify

    c = Consultation.objects.select_related("raised_by", "group", "expert__user").get(
        pk=consultation.pk)
    users = [c.raised_by]
    if c.expert_id:
        users.append(c.expert.user)
    elif c.group_id:
        users += [e.user for e in current_members(c.group)]
    notify(recipients=_visible_users(c, users), kind="techaid.consultation.message",
           text=_("会诊“%(c)s”有新留言。") % {"c": c}, link=link(c), area_code=c.area_code,
           exclude=actor)


@transaction.atomic
def photo_add(*, actor, consultation, upload) -> Photo:
    """Add one photo to the problem (the thread's participants, while it is open; at most
    6 with the problem)."""
    scoping.assert_in_scope(actor, consultation.area_code)
    current = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if current.retired_at is not None or is_closed(current):
        raise ServiceError(_("会诊已办结，不能再上传照片。"))
    if not can_post(actor, current):
        raise PermissionDenied(_("只有提出人、负责专家和辖区经办人员可以上传照片。"))
    if Photo.objects.filter(consultation=current, message__isnull=True).count() >= MAX_PHOTOS:
        raise ServiceError(_("最多上传 %(n)s 张照片。") % {"n": MAX_PHOTOS}, field="photo")
    if not upload:
        raise ServiceError(_("请选择照片。"), field="photo")
    return _store_photo(actor=actor, consultation=current,
                        stored=photo_clean(upload, field="photo"))


# --- on-site visits ------------------------------------------------------------------------------

def onsite_may_complete(user, visit) -> bool:
    """The visit's expert or technician (their accounts), or an officer of the area."""
    if not scoping.in_scope(user, visit.area_code):
        return False
    if user.is_superuser or getattr(user, "role", None) in (Role.ADMIN, Role.COUNTY_OFFICER):
        return True
    if visit.expert_id and visit.expert.user_id == user.pk:
        return True
    return bool(visit.technician_id and visit.technician.user_id == user.pk)


@transaction.atomic
def onsite_complete(*, actor, visit, findings: str, done_on, expected_version=None
                    ) -> OnsiteVisit:
    """Record the on-site visit as done: what was found and when."""
    scoping.assert_in_scope(actor, visit.area_code)
    current = OnsiteVisit.objects.select_for_update().get(pk=visit.pk)
    if not onsite_may_complete(actor, current):
        raise PermissionDenied(_("只有面诊专家、技术员或县级经办人员可以填写面诊结果。"))
    if current.status == OnsiteVisit.Status.DONE:
        raise ServiceError(_("该面诊任务已完成。"))
    text = _text(findings, "findings", _("面诊情况"), max_length=TEXT_MAX)
    if isinstance(done_on, datetime.date):
        day = done_on
    else:
        try:
            day = datetime.date.fromisoformat(str(done_on or "").strip())
        except ValueError:
            raise ServiceError(_("请填写完成日期（年-月-日）。"), field="done_on") from None
    error = date_error(day)
    if error:
        raise ServiceError(error, field="done_on")
    if day > timezone.localdate():
        raise ServiceError(_("完成日期不能晚于今天。"), field="done_on")
    if day < current.consultation.raised_at.date():
        raise ServiceError(_("完成日期不能早于会诊提出日期。"), field="done_on")
    return core.record_update(actor=actor, instance=current, expected_version=expected_version,
                              data={"findings": text, "done_on": day,
                                    "status": OnsiteVisit.Status.DONE})


# --- time limits: the nightly notice ---

def overdue_notify(now=None) -> dict:
    """Tell the chief expert of the routed group of each consultation overdue and not yet
    told — once per consultation (`overdue_notified`); one not yet routed is told to the
    county's officers (the 分诊员) instead. Returns {"consultations", "notifications"}."""
    from fupin.core.notifications import notify, users_for

    now = now or timezone.now()
    sent = {"consultations": 0, "notifications": 0}
    with transaction.atomic():
        rows = list(Consultation.objects.select_for_update(of=("self",))
                    .filter(overdue_q(now), retired_at__isnull=True, overdue_notified=False)
                    .select_related("group__chief__user").order_by("pk"))
        for c in rows:
            chief = c.group.chief if c.group_id and c.group.chief_id else None
            if chief is not None and chief.user_id:
                recipients = _visible_users(c, [chief.user])
            else:
                recipients = list(users_for(roles=[Role.COUNTY_OFFICER], area_code=c.area_code))
            text = _("会诊“%(c)s”（%(u)s）已超过时限，请督促处理。") % {
                "c": c, "u": c.get_urgency_display()}
            made = notify(recipients=recipients, kind="techaid.consultation.overdue", text=text,
                          link=link(c), area_code=c.area_code)
            sent["notifications"] += len(made)
        if rows:
            # a flag of the nightly routine, not a change of the record (no figure reads it)
            Consultation.objects.filter(pk__in=[c.pk for c in rows]).update(
                overdue_notified=True)
        sent["consultations"] = len(rows)
    return sent
