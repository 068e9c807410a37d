"""Design briefs, their reference images, drafts and comments; main-image experiments and their arms."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .domain.states import Status


def reference_path(instance, filename):
    return f"design/references/{filename}"


def draft_path(instance, filename):
    return f"design/drafts/{filename}"


class Brief(models.Model):
    class State(models.TextChoices):
        OPEN = Status.OPEN.value, _("待设计")
        IN_REVIEW = Status.IN_REVIEW.value, _("待审核")
        CHANGES_REQUESTED = Status.CHANGES_REQUESTED.value, _("需修改")
        APPROVED = Status.APPROVED.value, _("已通过")
        APPLIED = Status.APPLIED.value, _("已上图")
        CANCELLED = Status.CANCELLED.value, _("已取消")

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="design_briefs")
    title = models.CharField(_("标题"), max_length=200)
    requirements = models.JSONField(_("图片要求"), default=list)  # [Requirement.as_dict()]
    reference_urls = models.JSONField(_("参考链接"), default=list)
    copy_points = models.TextField(_("文案要点"), blank=True)
    due_on = models.DateField(_("截止日期"), null=True, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="design_briefs"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    status = models.CharField(_("状态"), max_length=20, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["assignee", "status"]), models.Index(fields=["status", "due_on"])]
        permissions = [
            ("manage_briefs", "Can brief the designer, approve drafts and put them on products"),
            ("work_on_briefs", "Can see design briefs and upload drafts"),
            ("run_experiments", "Can run main-image A/B tests"),
        ]

    def __str__(self):
        return self.title


class ReferenceImage(models.Model):
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="references")
    image = models.ImageField(upload_to=reference_path)
    note = models.CharField(max_length=200, blank=True)


class Draft(models.Model):
    class State(models.TextChoices):
        SUBMITTED = "submitted", _("已上传")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未采用")

    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="drafts")
    kind = models.CharField(max_length=20)
    image = models.ImageField(upload_to=draft_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    status = models.CharField(max_length=20, choices=State.choices, default=State.SUBMITTED)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    uploaded_at = models.DateTimeField()
    product_image = models.ForeignKey(
        "catalog.ProductImage", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["id"]


class Comment(models.Model):
    brief = models.ForeignKey(Brief, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    body = models.TextField()
    action = models.CharField(max_length=20, blank=True)  # the status change it came with, if any
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["id"]


class Experiment(models.Model):
    class State(models.TextChoices):
        RUNNING = "running", _("进行中")
        STOPPED = "stopped", _("已停止")
        APPLIED = "applied", _("已应用")

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="image_experiments")
    status = models.CharField(max_length=20, choices=State.choices, default=State.RUNNING)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    winner = models.ForeignKey("ExperimentArm", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        ordering = ["-id"]
        # One running experiment per product: two would split the same visitors twice.
        constraints = [
            models.UniqueConstraint(
                fields=["product"], condition=models.Q(status="running"), name="design_one_running_experiment"
            )
        ]


class ExperimentArm(models.Model):
    experiment = models.ForeignKey(Experiment, on_delete=models.CASCADE, related_name="arms")
    index = models.PositiveSmallIntegerField()
    product_image = models.ForeignKey("catalog.ProductImage", on_delete=models.CASCADE, related_name="+")

    class Meta:
        ordering = ["index"]
        constraints = [models.UniqueConstraint(fields=["experiment", "index"], name="design_arm_index_unique")]
