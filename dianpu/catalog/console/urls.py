from django.urls import path

from . import operations, transfer, views

app_name = "catalog"
urlpatterns = [
    path("products/", views.product_list, name="product-list"),
    path("products/import/", transfer.import_upload, name="import"),
    path("products/import/<int:job_id>/", transfer.import_job, name="import-job"),
    path("products/import/<int:job_id>/errors.csv", transfer.import_errors, name="import-errors"),
    path("products/import/<int:job_id>/cancel/", transfer.import_cancel, name="import-cancel"),
    path("products/export/", transfer.export_download, name="export"),
    path("products/bulk/", operations.bulk_edit, name="bulk"),
    path("products/audit/", operations.seo_audit, name="seo-audit"),
    path("products/audit/banned-words/", operations.banned_word_add, name="banned-word-add"),
    path("products/audit/banned-words/remove/", operations.banned_word_remove, name="banned-word-remove"),
    path("products/price-rules/", operations.price_rules, name="price-rules"),
    path("products/search-synonyms/", operations.search_synonyms, name="search-synonyms"),
    path("products/brands/", operations.brand_list, name="brand-list"),
    path("products/<str:slug>/attributes/", operations.product_attributes_save, name="product-attributes-save"),
    path("products/<str:slug>/prices/", operations.product_prices, name="product-prices"),
    path("products/<str:slug>/prices/save/", operations.product_prices_save, name="product-prices-save"),
    path("products/<str:slug>/schedule/", operations.product_schedule_save, name="product-schedule-save"),
    path("products/<str:slug>/duplicate/", operations.product_duplicate, name="product-duplicate"),
    path("products/<str:slug>/images/order/", operations.product_images_save, name="product-images-save"),
    path("products/new/", views.product_create, name="product-create"),
    path("products/<str:slug>/", views.product_edit, name="product-edit"),
    path("products/<str:slug>/images/", views.product_image_add, name="product-image-add"),
    path("products/<str:slug>/delete/", views.product_delete, name="product-delete"),
]
