"""Prescriptions (处方, DESIGN §5): for one industry in one village, written by the village's
mission as a draft with its ordered measures, issued (签发) by the workflow step "issue" —
signed by the mission's leader. The table is `models.Prescription.workflow`; its guard and
effect are here.

Rules:
- a prescription belongs to the village's active mission (its area is the village);
- drafts are written by the county's officers (MANAGERS) or by the mission's leader (the
  expert whose user account acts); another expert is refused;
- issuing needs at least one measure and an active mission, and is taken by the leader or
  a county officer / administrator; it records issued_on and signed_by = the leader;
- an issued prescription is never edited: a new version is a new prescription, and the old
  one is retired.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from fupin.core import scoping, services
from fupin.core.errors import ServiceError
from fupin.core.roles import Role

from .models import MANAGERS, Expert, Industry, Measure, Mission, Prescription

MEASURE_FIELDS = ("name", "timing", "inputs", "expected_effect")
NUMBER_MAX = 30


def expert_of(user) -> Expert | None:
    """The active expert whose user account is `user`."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Expert.objects.active().filter(user=user).first()


def is_manager(user) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) in MANAGERS)


def is_leader(user, mission: Mission) -> bool:
    expert = expert_of(user)
    return expert is not None and expert.pk == mission.leader_id


def check_author(actor, mission: Mission) -> None:
    """Drafts: a county officer / administrator, or the mission's own leader."""
    if is_manager(actor):
        return
    if getattr(actor, "role", None) == Role.EXPERT and is_leader(actor, mission):
        return
    raise PermissionDenied(_("只有特派团团长或县级经办人员可以编写该村的处方。"))


# --- the workflow's guard and effect --------------------------------------------------------

def guard_issue(prescription, actor):
    """Who may sign, and what a prescription needs to be issued (None: allowed)."""
    mission = prescription.mission
    if mission.retired_at is not None:
        return _("该村的特派团已撤销，不能签发处方。")
    if not is_manager(actor) and not is_leader(actor, mission):
        return _("只有特派团团长（%(leader)s）或县级经办人员可以签发处方。") % {
            "leader": mission.leader.name}
    if not prescription.measures.exists():
        return _("处方至少要有一条技术措施才能签发。")
    return None


def apply_issue(prescription, actor, payload):
    prescription.issued_on = timezone.localdate()
    prescription.signed_by = prescription.mission.leader
    return payload


# --- numbers -----------------------------------------------------------------------------------

def number_prefix(*, area_code: str, industry: Industry, year: int) -> str:
    """CF-<village>-<industry>-<year>- (the services and the demo number alike). An industry
    whose name would overflow the field is written by its id."""
    label = industry.name if len(f"CF-{area_code}-{industry.name}-{year}-00") <= NUMBER_MAX \
        else str(industry.pk)
    return f"CF-{area_code}-{label}-{year}-"


def number(prefix: str, n: int) -> str:
    return f"{prefix}{n:02d}"


def next_number(*, area_code: str, industry: Industry, year: int) -> str:
    """CF-<village>-<industry>-<year>-<nn>: unique, counted over every prescription of the
    village, industry and year (retired ones too, so a number is never given twice)."""
    prefix = number_prefix(area_code=area_code, industry=industry, year=year)
    taken = set(Prescription.objects.filter(number__startswith=prefix)
                .values_list("number", flat=True))
    n = len(taken) + 1
    while number(prefix, n) in taken:
        n += 1
    return number(prefix, n)


# --- writes ------------------------------------------------------------------------------------

def clean_measures(measures) -> list[dict]:
    """The measures as dicts of MEASURE_FIELDS, blank rows dropped, numbered in order."""
    out = []
    for m in measures or ():
        row = {f: str(m.get(f) or "").strip() for f in MEASURE_FIELDS}
        if not any(row.values()):
            continue
        if not row["name"]:
            raise ServiceError(_("第 %(n)s 条措施缺少“技术措施”。") % {"n": len(out) + 1},
                               field="measures")
        out.append(row)
    return out


def _write_measures(*, actor, prescription: Prescription, measures: list[dict]) -> bool:
    """Replace the draft's measures by `measures`, in order: kept rows updated in place,
    extra rows added, surplus rows removed (a draft's rows; history keeps them)."""
    changed = False
    existing = list(prescription.measures.order_by("order", "pk"))
    for i, data in enumerate(measures, start=1):
        measure = existing[i - 1] if i <= len(existing) else Measure(prescription=prescription)
        values = {"order": i, **data}
        if measure.pk and all(getattr(measure, k) == v for k, v in values.items()):
            continue
        for k, v in values.items():
            setattr(measure, k, v)
        measure.full_clean()
        measure._history_user = actor
        measure.save()
        changed = True
    for measure in existing[len(measures):]:
        if measure.results.exists():
            raise ServiceError(_("措施“%(name)s”已有落实记录，不能删除。") % {"name": measure.name},
                               field="measures")
        measure._history_user = actor
        measure.delete()
        changed = True
    return changed


def village_mission(*, actor, area_code: str) -> Mission:
    mission = Mission.objects.visible_to(actor).active().filter(area_code=area_code) \
        .select_related("leader").first()
    if mission is None:
        raise ServiceError(_("该村还没有科技扶贫特派团，请先组建特派团。"), field="area_code")
    return mission


@transaction.atomic
def prescription_create(*, actor, area_code: str, industry: Industry, year: int,
                        problems: str, diagnosis: str, measures=(),
                        issued_on=None) -> Prescription:
    """A draft prescription of the village's mission, with its measures. `issued_on`: an
    import recording a prescription issued in the past — written in its state (creating a
    record in a state is allowed, core/workflows), signed by the mission's leader."""
    if not area_code or len(area_code) != 12:
        raise ServiceError(_("处方须开到村（社区），请选择村。"), field="area_code")
    services.check_write(actor, Prescription, area_code)
    mission = village_mission(actor=actor, area_code=area_code)
    check_author(actor, mission)
    if industry is None or industry.retired_at is not None:
        raise ServiceError(_("请选择在用的产业。"), field="industry")
    rows = clean_measures(measures)
    # numbers are counted per village: the mission's row lock makes two drafts at once
    # take two numbers
    Mission.objects.select_for_update().filter(pk=mission.pk).first()
    data = {"area_code": area_code, "mission": mission, "industry": industry, "year": year,
            "problems": (problems or "").strip(), "diagnosis": (diagnosis or "").strip(),
            "number": next_number(area_code=area_code, industry=industry, year=year)}
    if issued_on is not None:
        if not rows:
            raise ServiceError(_("处方至少要有一条技术措施才能签发。"), field="measures")
        data.update(status=Prescription.Status.ISSUED, issued_on=issued_on,
                    signed_by=mission.leader)
    prescription = services.record_create(actor=actor, model=Prescription, data=data)
    _write_measures(actor=actor, prescription=prescription, measures=rows)
    return prescription


@transaction.atomic
def prescription_update(*, actor, prescription: Prescription, data: dict,
                        measures=None, expected_version: int | None) -> Prescription:
    """Change a draft (problems, diagnosis, year, industry; its measures when given).
    An issued prescription is refused: it is replaced by a new one."""
    scoping.assert_in_scope(actor, prescription.area_code)
    current = Prescription.objects.select_for_update().get(pk=prescription.pk)
    services.check_version(current, expected_version)
    if current.status != Prescription.Status.DRAFT:
        raise ServiceError(_("处方已签发，不能修改；如需调整，请新建处方并停用原处方。"))
    check_author(actor, current.mission)
    data = {k: v for k, v in dict(data).items()
            if k in ("industry", "year", "problems", "diagnosis")}
    for key in ("problems", "diagnosis"):
        if key in data:
            data[key] = (data[key] or "").strip()
    industry = data.get("industry")
    if industry is not None and industry.retired_at is not None \
            and industry.pk != current.industry_id:
        raise ServiceError(_("请选择在用的产业。"), field="industry")
    changed_measures = False
    if measures is not None:
        changed_measures = _write_measures(actor=actor, prescription=current,
                                           measures=clean_measures(measures))
    updated = services.record_update(actor=actor, instance=current, data=data,
                                     expected_version=current.version)
    if changed_measures and updated.version == current.version:
        # only the measures changed: the prescription moves a version all the same, so that
        # an edit based on the old measures is refused as stale
        updated.version += 1
        updated.updated_at = timezone.now()
        updated._history_user = actor
        updated._change_reason = _("修改技术措施")
        updated.save()
    return updated


@transaction.atomic
def prescription_revise(*, actor, prescription: Prescription) -> Prescription:
    """A new version of an issued prescription: a draft copy (same village, industry and
    year, the same problems, diagnosis and measures) to change and issue; the old one stays
    in force until it is retired."""
    scoping.assert_in_scope(actor, prescription.area_code)
    if prescription.status != Prescription.Status.ISSUED:
        raise ServiceError(_("草稿可以直接修改，不需要新建版本。"))
    if prescription.retired_at is not None:
        raise ServiceError(_("该处方已停用。"))
    measures = [{f: getattr(m, f) for f in MEASURE_FIELDS}
                for m in prescription.measures.order_by("order", "pk")]
    return prescription_create(actor=actor, area_code=prescription.area_code,
                               industry=prescription.industry, year=prescription.year,
                               problems=prescription.problems,
                               diagnosis=prescription.diagnosis, measures=measures)


def prescription_retire(*, actor, prescription: Prescription, reason: str = ""):
    """Retire (停用) a prescription — e.g. replaced by a new version; it no longer counts
    towards coverage."""
    return services.record_retire(actor=actor, instance=prescription, reason=reason)


def issue(*, actor, prescription: Prescription, expected_version: int | None = None):
    """Issue through the workflow service (the one path of every step)."""
    from fupin.core import workflows

    return workflows.transition(actor=actor, obj=prescription, name="issue",
                                expected_version=expected_version)
