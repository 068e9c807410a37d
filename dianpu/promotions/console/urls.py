from django.urls import path

from . import views

app_name = "promotions"
urlpatterns = [
    path("", views.promotion_list, name="promotion-list"),
    path("new/", views.promotion_create, name="promotion-create"),
    path("<int:pk>/", views.promotion_edit, name="promotion-edit"),
    path("<int:pk>/end/", views.promotion_end, name="promotion-end"),
    path("coupons/", views.coupon_list, name="coupon-list"),
    path("coupons/<str:code>/", views.coupon_edit, name="coupon-edit"),
    path("coupons/batches/<int:pk>/codes.csv", views.batch_codes_csv, name="batch-codes"),
]
