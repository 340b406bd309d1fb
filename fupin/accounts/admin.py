from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import LoginEvent, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, BaseUserAdmin):
    list_display = ("username", "full_name", "role", "scope_area", "is_active", "last_login")
    list_filter = ("role", "is_active")
    search_fields = ("username", "full_name", "scope_area__name", "scope_area__code")
    autocomplete_fields = ("scope_area",)
    fieldsets = BaseUserAdmin.fieldsets + ((_("角色与管辖范围"), {
        "fields": ("role", "scope_area", "full_name", "phone", "must_change_password")}),)
    add_fieldsets = BaseUserAdmin.add_fieldsets + ((_("角色与管辖范围"), {
        "fields": ("role", "scope_area", "full_name")}),)

    def save_model(self, request, obj, form, change):
        if not change:  # somebody else chose the password: changed at first login
            obj.must_change_password = True
        else:
            obj.version += 1  # the account pages' lost-update guard sees admin edits too
        super().save_model(request, obj, form, change)


@admin.register(LoginEvent)
class LoginEventAdmin(admin.ModelAdmin):
    list_display = ("at", "username", "result", "ip", "channel")
    list_filter = ("result", "channel")
    search_fields = ("username", "ip")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
