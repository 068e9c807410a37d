from django.urls import path

from . import views

app_name = "fulfillment"
urlpatterns = [
    path("", views.home, name="home"),
    path("pick/", views.pick_list, name="pick-list"),
    path("documents/<slug:kind>.pdf", views.document_pdf, name="document"),
    path("batch-ship/", views.batch_ship, name="batch-ship"),
    path("exceptions/", views.exception_list, name="exception-list"),
    path("tracking/upload/", views.tracking_upload, name="tracking-upload"),
    path("report/carriers/", views.carrier_report, name="carrier-report"),
    path("methods/", views.method_list, name="method-list"),
    path("methods/<slug:code>/", views.method_edit, name="method-edit"),
    path("methods/<slug:code>/rates/<int:rate_id>/delete/", views.rate_delete, name="rate-delete"),
]
