from django.urls import path

from . import views

app_name = "teamwork"
urlpatterns = [
    path("", views.today, name="today"),
    path("tasks/", views.task_list, name="task-list"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("training/", views.training_list, name="training-list"),
    path("training/<int:pk>/", views.training_detail, name="training-detail"),
    path("figures/", views.figures, name="figures"),
    path("templates/", views.template_list, name="template-list"),
    path("templates/<int:pk>/", views.template_edit, name="template-edit"),
]
