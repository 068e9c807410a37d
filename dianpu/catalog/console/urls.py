from django.urls import path

from . import views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/new/", views.product_create, name="product-create"),
    path("products/<str:slug>/", views.product_edit, name="product-edit"),
    path("products/<str:slug>/images/", views.product_image_add, name="product-image-add"),
    path("products/<str:slug>/delete/", views.product_delete, name="product-delete"),
]
