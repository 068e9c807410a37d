"""Console pages for stock (/console/inventory/…)."""

from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.level_list, name="level-list"),
    path("sku/<str:sku>/moves/", views.move_list, name="move-list"),
    path("sku/<str:sku>/safety-stock/", views.safety_stock_set, name="safety-stock-set"),
    path("transfer/", views.transfer_create, name="transfer-create"),
    path("adjust/", views.adjustment_create, name="adjustment-create"),
    path("warehouses/", views.warehouse_list, name="warehouse-list"),
    path("cover/", views.cover_list, name="cover-list"),
    path("daily/", views.daily_sheet, name="daily-sheet"),
    path("daily.xlsx", views.daily_sheet_xlsx, name="daily-sheet-xlsx"),
    path("stocktakes/", views.stocktake_list, name="stocktake-list"),
    path("stocktakes/<str:number>/", views.stocktake_detail, name="stocktake-detail"),
    path("stocktakes/<str:number>/post/", views.stocktake_post, name="stocktake-post"),
    path("stocktakes/<str:number>/cancel/", views.stocktake_cancel, name="stocktake-cancel"),
]
