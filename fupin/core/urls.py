from django.urls import path

from .views import generic, imports, notifications, pages

app_name = "core"
urlpatterns = [
    path("", pages.home, name="home"),
    path("retired/", pages.retired, name="retired"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/bell/", notifications.bell, name="notifications_bell"),
    path("notifications/<int:pk>/read/", notifications.notification_read,
         name="notification_read"),
    path("notifications/read-all/", notifications.notification_read_all,
         name="notifications_read_all"),
    path("events/<int:pk>/evidence/", generic.EventEvidenceView.as_view(),
         name="event_evidence"),
    path("imports/", imports.import_list, name="import_list"),
    path("imports/<str:spec>/template/", imports.import_template, name="import_template"),
    path("imports/<str:spec>/upload/", imports.import_upload, name="import_upload"),
    path("imports/jobs/<uuid:pk>/", imports.import_job, name="import_job"),
    path("imports/jobs/<uuid:pk>/commit/", imports.import_commit, name="import_commit"),
    path("imports/jobs/<uuid:pk>/mapping/", imports.import_mapping, name="import_mapping"),
    path("imports/jobs/<uuid:pk>/errors/", imports.import_errors, name="import_errors"),
]
