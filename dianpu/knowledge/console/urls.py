from django.urls import path

from . import views

app_name = "knowledge"
urlpatterns = [
    path("", views.article_list, name="article-list"),
    path("new/", views.article_create, name="article-create"),
    path("<int:pk>/", views.article_detail, name="article-detail"),
    path("<int:pk>/edit/", views.article_edit, name="article-edit"),
    path("<int:pk>/publish/", views.article_publish, name="article-publish"),
    path("bot/", views.bot_log, name="bot-log"),
]
