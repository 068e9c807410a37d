from django.urls import path

from . import views

app_name = "design"
urlpatterns = [
    path("", views.brief_list, name="brief-list"),
    path("new/", views.brief_create, name="brief-create"),
    path("briefs/<int:pk>/", views.brief_detail, name="brief-detail"),
    path("experiments/", views.experiment_list, name="experiment-list"),
    path("experiments/<int:pk>/", views.experiment_detail, name="experiment-detail"),
]
