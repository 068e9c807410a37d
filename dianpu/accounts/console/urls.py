from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("", views.staff_list, name="staff-list"),
    path("new/", views.staff_create, name="staff-create"),
    path("<int:user_id>/roles/", views.staff_roles, name="staff-roles"),
    path("password/", views.password_change, name="password-change"),
]
