from django.urls import path

from . import views

app_name = "customers"
urlpatterns = [
    path("", views.customer_list, name="customer-list"),
    path("segments/", views.segment_list, name="segment-list"),
    path("outreach/", views.outreach_list, name="outreach-list"),
    path("points-offers/", views.offer_list, name="offer-list"),
    path("<int:pk>/", views.customer_detail, name="customer-detail"),
    path("<int:pk>/export.json", views.customer_export, name="customer-export"),
]
