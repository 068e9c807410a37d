from django.urls import path

from . import views

app_name = "system"
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Browsers and crawlers ask for /favicon.ico whatever the page's <link rel=icon> says.
    path("favicon.ico", views.favicon, name="favicon"),
]
