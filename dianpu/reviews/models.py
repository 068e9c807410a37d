"""Tables of product reviews: one review per order line, its images."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Review(models.Model):
    class Status(models.TextChoices):
        VISIBLE = "visible", _("显示")
        HIDDEN = "hidden", _("已隐藏")

    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="reviews")
    order_line = models.OneToOneField("orders.OrderLine", on_delete=models.CASCADE, related_name="review")
    customer = models.ForeignKey("customers.Customer", null=True, on_delete=models.SET_NULL, related_name="reviews")
    author_name = models.CharField(_("昵称"), max_length=50)  # masked at submission: "王**"
    rating = models.PositiveSmallIntegerField(_("评分"))
    body = models.TextField(_("评价内容"), blank=True)  # raw as written; always shown escaped
    variant_label = models.CharField(_("规格"), max_length=120, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default="visible", db_index=True)
    hidden_reason = models.CharField(_("隐藏原因"), max_length=200, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    moderated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("评价时间"), db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("商品评价")
        permissions = [("moderate_reviews", "Hide and show product reviews")]
        indexes = [models.Index(fields=["product", "status", "created_at"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(rating__gte=1, rating__lte=5), name="review_rating_1_to_5")
        ]

    def __str__(self):
        return f"{self.product_id} ★{self.rating}"


class ReviewImage(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to="reviews/%Y/%m/")  # checked by Pillow before it is stored
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()

    class Meta:
        ordering = ["id"]
