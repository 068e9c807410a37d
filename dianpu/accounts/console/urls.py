from django.urls import path

from . import security_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.staff_list, name="staff-list"),
    path("new/", views.staff_create, name="staff-create"),
    path("<int:user_id>/roles/", views.staff_roles, name="staff-roles"),
    path("password/", views.password_change, name="password-change"),
    path("tokens/", security_views.token_list, name="token-list"),
    path("tokens/new/", security_views.token_create, name="token-create"),
    path("tokens/<int:token_id>/revoke/", security_views.token_revoke, name="token-revoke"),
]
