from django.urls import path

from . import views

app_name = "shop"
urlpatterns = [
    path("", views.shop_settings, name="settings"),
    path("shipping-methods/", views.shipping_method_add, name="shipping-method-add"),
    path("shipping-methods/<slug:code>/active/", views.shipping_method_active, name="shipping-method-active"),
]
