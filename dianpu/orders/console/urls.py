from django.urls import path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("<str:number>/", views.order_detail, name="order-detail"),
    path("<str:number>/transition/", views.order_transition, name="order-transition"),
]
