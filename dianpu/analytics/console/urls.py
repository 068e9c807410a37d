from django.urls import path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("funnel/", views.funnel, name="funnel"),
    path("sources/", views.sources, name="sources"),
    path("bestsellers/", views.bestsellers, name="bestsellers"),
    path("bestsellers/<slug:slug>/", views.bestseller_product, name="bestseller-product"),
    path("sales/", views.sales, name="sales"),
    path("customers/", views.customers, name="customers"),
    path("rows/", views.rows, name="rows"),
    path("reports/", views.report_list, name="report-list"),
    path("reports/make/", views.report_make, name="report-make"),
    path("reports/<int:pk>.<str:fmt>", views.report_file, name="report-file"),
]
