from django.urls import path

from . import views

app_name = "payments"
urlpatterns = [
    path("orders/<str:number>/refunds/", views.refund_create, name="refund-create"),
]
