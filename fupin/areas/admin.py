from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Area


@admin.register(Area)
class AreaAdmin(SimpleHistoryAdmin):
    list_display = ("code", "name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name")

    def has_delete_permission(self, request, obj=None):
        return False  # areas are referenced by records; load a corrected file instead

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # an area is not an area-scoped record: its figures (poor villages) are told here,
        # as areas.services.poor_village_set does
        from fupin.core import stamps

        stamps.touch([obj.code])
