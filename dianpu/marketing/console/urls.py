from django.urls import path

from . import views

app_name = "marketing"
urlpatterns = [
    path("campaigns/", views.campaign_list, name="campaign-list"),
    path("campaigns/<int:pk>/", views.campaign_live, name="campaign-live"),
    path("campaigns/<int:pk>/report/", views.campaign_report, name="campaign-report"),
    path("merchandising/", views.merchandising, name="merchandising"),
    path("traffic/", views.traffic, name="traffic"),
    path("emails/", views.email_campaigns, name="email-campaigns"),
]
