"""Consultations (会诊): raise, route, answer, refer on site, confirm; the thread and photos;
time limits. The workflow's table is `models.Consultation.workflow`; its guards and effects
are here (the consult part fills them in)."""

from __future__ import annotations


def guard_route(consultation, actor):
    return None


def apply_route(consultation, actor, payload):
    raise NotImplementedError


def guard_answer(consultation, actor):
    return None


def apply_answer(consultation, actor, payload):
    raise NotImplementedError


def apply_onsite(consultation, actor, payload):
    raise NotImplementedError


def guard_confirm(consultation, actor):
    return None


def apply_close(consultation, actor, payload):
    raise NotImplementedError


def notify_raiser(consultation, event, actor):
    return None


def notify_chief(consultation, event, actor):
    return None
