from django.urls import path

from . import review_views, views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="order-list"),
    path("review/", review_views.review_queue, name="review-queue"),
    path("merge/", review_views.merge, name="order-merge"),
    path("review/settings/", review_views.review_settings, name="review-settings"),
    path("review/blacklist/", review_views.blacklist, name="blacklist"),
    path("review/blacklist/<int:entry_id>/remove/", review_views.blacklist_remove, name="blacklist-remove"),
    path("<str:number>/", views.order_detail, name="order-detail"),
    path("<str:number>/transition/", views.order_transition, name="order-transition"),
    path("<str:number>/release/", review_views.order_release, name="order-release"),
    path("<str:number>/reject/", review_views.order_reject, name="order-reject"),
    path("<str:number>/split/", review_views.order_split, name="order-split"),
]
