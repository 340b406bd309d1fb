"""A minimal scoped model, used to test the generic parts (views, API, scoping test)."""

from django.db import models

from fupin.core.models import AreaScopedModel


class Sample(AreaScopedModel):
    name = models.CharField("名称", max_length=50)
    note = models.CharField("备注", max_length=100, blank=True)

    class Meta:
        verbose_name = "样例"
        verbose_name_plural = "样例"

    def __str__(self):
        return self.name
