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
