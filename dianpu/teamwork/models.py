"""Routine templates per role, each person's routines of a day and their items, tasks, training
documents and their read confirmations."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RoutineTemplate(models.Model):
    role = models.CharField(_("角色"), max_length=20)
    title = models.CharField(_("名称"), max_length=100)
    items = models.JSONField(_("检查项"), default=list)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["role", "id"]
        permissions = [("manage_team", "Can manage routines, everyone's tasks and training documents")]

    def __str__(self):
        return self.title


class Routine(models.Model):
    """One person's checklist of one day, made from a template (at most once per day)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="routines")
    day = models.DateField()
    template = models.ForeignKey(RoutineTemplate, on_delete=models.SET_NULL, null=True, related_name="routines")
    title = models.CharField(max_length=100)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["day", "id"]
        constraints = [models.UniqueConstraint(fields=["user", "day", "template"], name="teamwork_routine_once_a_day")]
        indexes = [models.Index(fields=["day", "user"])]


class RoutineItem(models.Model):
    routine = models.ForeignKey(Routine, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=200)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["position", "id"]


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待办")
        DONE = "done", _("已完成")
        CANCELLED = "cancelled", _("已取消")

    title = models.CharField(_("任务"), max_length=200)
    notes = models.TextField(_("说明"), blank=True)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="team_tasks")
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=20, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["owner", "status"]), models.Index(fields=["status", "due_on"])]


class TrainingDoc(models.Model):
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))  # sanitised HTML (nh3)
    roles = models.JSONField(_("适用角色"), default=list)  # empty: everyone
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-updated_at", "-id"]


class ReadConfirmation(models.Model):
    doc = models.ForeignKey(TrainingDoc, on_delete=models.CASCADE, related_name="confirmations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["doc", "user"], name="teamwork_read_once")]
