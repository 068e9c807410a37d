from django.urls import path

from . import channels, views

app_name = "channels"
urlpatterns = [
    path("", channels.channel_list, name="channel-list"),
    path("<int:channel_id>/", channels.channel_detail, name="channel-detail"),
    path("<int:channel_id>/sync-jobs/<int:job_id>/", channels.sync_job, name="sync-job"),
    path("<int:channel_id>/download/", channels.channel_download, name="channel-download"),
    path("import/", views.import_orders, name="order-import"),
    path("export/tracking.csv", views.export_tracking, name="tracking-export"),
]
