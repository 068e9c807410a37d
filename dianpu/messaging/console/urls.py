from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("", views.template_list, name="template-list"),
    path("<str:kind>/<str:language>/", views.template_edit, name="template-edit"),
    path("<str:kind>/<str:language>/preview/", views.template_preview, name="template-preview"),
    path("<str:kind>/<str:language>/reset/", views.template_reset, name="template-reset"),
]
