from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("login-events/", views.LoginEventListView.as_view(), name="login_events"),
    # 用户管理
    path("users/", views.UserListView.as_view(), name="user_list"),
    path("users/new/", views.UserEditView.as_view(), name="user_create"),
    path("users/export/", views.UserExportView.as_view(), name="user_export"),
    path("users/credentials/", views.CredentialSheetListView.as_view(),
         name="credential_sheets"),
    path("users/credentials/<int:pk>/", views.CredentialSheetDownloadView.as_view(),
         name="credential_sheet_download"),
    path("users/<int:pk>/", views.UserDetailView.as_view(), name="user_detail"),
    path("users/<int:pk>/edit/", views.UserEditView.as_view(), name="user_edit"),
    path("users/<int:pk>/deactivate/", views.UserStateView.as_view(action="deactivate"),
         name="user_deactivate"),
    path("users/<int:pk>/reactivate/", views.UserStateView.as_view(action="reactivate"),
         name="user_reactivate"),
    path("users/<int:pk>/password/", views.UserPasswordResetView.as_view(),
         name="user_password_reset"),
]
