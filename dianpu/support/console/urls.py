from django.urls import path

from . import views

app_name = "support"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("<int:pk>/", views.conversation_detail, name="conversation-detail"),
    path("<int:pk>/messages/", views.conversation_messages, name="conversation-messages"),
    path("canned-replies/", views.canned_reply_list, name="canned-reply-list"),
    path("settings/", views.sla_settings, name="sla-settings"),
    path("logs/", views.log_list, name="log-list"),
    path("reviews/", views.review_list, name="review-list"),
]
