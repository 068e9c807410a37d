from django.urls import path

from . import views

app_name = "channels"
urlpatterns = [
    path("import/", views.import_orders, name="order-import"),
    path("export/tracking.csv", views.export_tracking, name="tracking-export"),
]
