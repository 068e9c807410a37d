from django.urls import path

from . import views

app_name = "system"
urlpatterns = [path("healthz", views.healthz, name="healthz")]
