from django.urls import path

from . import views

app_name = "operations"
urlpatterns = [
    path("", views.status_page, name="status"),
    path("links/", views.link_report, name="link-report"),
]
