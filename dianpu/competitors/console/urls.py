from django.urls import path

from . import views

app_name = "competitors"
urlpatterns = [
    path("", views.competitor_list, name="competitor-list"),
    path("products/<int:pk>/", views.product_detail, name="product-detail"),
    path("alerts/", views.alert_list, name="alert-list"),
    path("check/", views.daily_check, name="daily-check"),
]
