from django.urls import path

from . import transfer, views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/import/", transfer.import_upload, name="import"),
    path("products/import/<int:job_id>/", transfer.import_job, name="import-job"),
    path("products/import/<int:job_id>/errors.csv", transfer.import_errors, name="import-errors"),
    path("products/export/", transfer.export_download, name="export"),
    path("products/new/", views.product_create, name="product-create"),
    path("products/<str:slug>/", views.product_edit, name="product-edit"),
    path("products/<str:slug>/images/", views.product_image_add, name="product-image-add"),
    path("products/<str:slug>/delete/", views.product_delete, name="product-delete"),
]
