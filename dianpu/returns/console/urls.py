from django.urls import path

from . import views

app_name = "returns"
urlpatterns = [
    path("", views.return_list, name="return-list"),
    path("new/<str:order_number>/", views.return_create, name="return-create"),
    path("report/", views.return_report, name="return-report"),
    path("<str:number>/", views.return_detail, name="return-detail"),
    path("<str:number>/<str:action>/", views.return_action, name="return-action"),
]
