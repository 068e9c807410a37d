from django.urls import path

from . import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_list, name="review-list"),
    path("<int:pk>/moderate/", views.review_moderate, name="review-moderate"),
]
