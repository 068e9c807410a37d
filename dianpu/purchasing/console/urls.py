"""Console pages for purchasing (/console/purchasing/…)."""

from django.urls import path

from . import views

app_name = "purchasing"
urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("new/", views.order_create, name="order-create"),
    path("suggestions/", views.suggestion_list, name="suggestion-list"),
    path("suppliers/", views.supplier_list, name="supplier-list"),
    path("suppliers/<str:code>/", views.supplier_detail, name="supplier-detail"),
    path("<str:number>/", views.order_detail, name="order-detail"),
    path("<str:number>/send/", views.order_send, name="order-send"),
    path("<str:number>/cancel/", views.order_cancel, name="order-cancel"),
    path("<str:number>/pdf/", views.order_pdf, name="order-pdf"),
]
