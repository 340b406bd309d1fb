"""Missions and prescriptions (处方): write, issue (signed by the mission's leader). The
workflow's table is `models.Prescription.workflow`; its guard and effect are here (the
prescriptions part fills them in)."""

from __future__ import annotations


def guard_issue(prescription, actor):
    return None


def apply_issue(prescription, actor, payload):
    raise NotImplementedError
