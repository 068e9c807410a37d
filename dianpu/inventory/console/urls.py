from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.level_list, name="level-list"),
    path("sku/<str:sku>/moves/", views.move_list, name="move-list"),
]
