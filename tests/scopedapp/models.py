"""A minimal scoped model, used to test the generic parts (views, API, scoping test)."""

from django.db import models

from fupin.core.models import AreaScopedModel
from fupin.core.roles import Role
from fupin.core.workflows import Notify, StateField, Transition, Workflow, WorkflowModel


class Sample(AreaScopedModel):
    name = models.CharField("名称", max_length=50)
    note = models.CharField("备注", max_length=100, blank=True)

    class Meta:
        verbose_name = "样例"
        verbose_name_plural = "样例"

    def __str__(self):
        return self.name


def _has_note(ticket, actor):
    return None if ticket.note else "请先填写备注。"


def _within_cap(ticket, actor):
    return "金额超过 1000 元上限，不能通过。" if ticket.amount > 1000 else None


class Ticket(WorkflowModel, AreaScopedModel):
    """A small record with a workflow, for the generic workflow tests (core/workflows/)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        APPROVED = "approved", "已通过"
        CLOSED = "closed", "已关闭"

    name = models.CharField("名称", max_length=50)
    note = models.CharField("备注", max_length=100, blank=True)
    amount = models.PositiveIntegerField("金额", default=0)
    status = StateField(Status, default=Status.DRAFT)

    workflow = Workflow(
        Transition("submit", "提交", source=[Status.DRAFT], target=Status.SUBMITTED,
                   roles=[Role.VILLAGE_WORKER, Role.TOWNSHIP_OFFICER], guards=[_has_note]),
        Transition("approve", "通过", source=[Status.SUBMITTED], target=Status.APPROVED,
                   roles=[Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER], guards=[_within_cap],
                   distinct_actor=True, style="success",
                   notify=[Notify(roles=[Role.VILLAGE_WORKER], below=True,
                                  text="“%(record)s”已由%(actor)s通过。")]),
        Transition("send_back", "退回", source=[Status.SUBMITTED], target=Status.DRAFT,
                   roles=[Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER], reason_required=True),
        Transition("close", "关闭", source=[Status.DRAFT, Status.APPROVED],
                   target=Status.CLOSED, roles=[Role.COUNTY_OFFICER], evidence_required=True,
                   style="danger"),
    )

    class Meta:
        verbose_name = "工单"
        verbose_name_plural = "工单"

    def __str__(self):
        return self.name
