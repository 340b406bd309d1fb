from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from fupin.core.roles import Role


class Level(models.TextChoices):
    """The 5 levels of the national statistical division codes (DESIGN §1)."""

    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    COUNTY = "county", _("区县")
    TOWNSHIP = "township", _("乡镇")
    VILLAGE = "village", _("村")


# code length of each level
LEVEL_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.COUNTY: 6,
    Level.TOWNSHIP: 9,
    Level.VILLAGE: 12,
}
LENGTH_LEVEL = {n: level for level, n in LEVEL_LENGTH.items()}
LEVEL_ORDER = list(LEVEL_LENGTH)


class AreaQuerySet(models.QuerySet):
    """Areas are reference data that every signed-in user reads; `visible_to` gives the
    areas inside a user's scope (what the user may change: a village's poverty status, and
    what the 贫困村 import and export reach), through the one scoping layer."""

    def visible_to(self, user):
        from fupin.core import scoping

        return scoping.filter_visible(self, user, "code")

    def active(self):  # areas are never retired
        return self


class Area(models.Model):
    # who may change a village's poverty status (services.poor_village_set, its import);
    # the scope of an area is its own code
    write_roles = frozenset({Role.ADMIN, Role.COUNTY_OFFICER})
    scope_field = "code"

    code = models.CharField(_("区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("级别"), max_length=10, choices=Level.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children", verbose_name=_("上级区划"))
    # a village's poverty status (贫困村, DESIGN §5): identified in one year, exits in another
    poor_village = models.BooleanField(_("贫困村"), default=False)
    poor_identified_year = models.PositiveSmallIntegerField(_("贫困村识别年度"), null=True,
                                                            blank=True)
    poor_exit_year = models.PositiveSmallIntegerField(_("贫困村退出年度"), null=True, blank=True)
    history = HistoricalRecords()

    objects = AreaQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__in=[v for v, _label in Level.choices]),
                name="area_level_valid",
            ),
        ]

    def __str__(self):
        return f"{self.name}（{self.code}）"
