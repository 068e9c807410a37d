from django.db import models


class AttemptCounter(models.Model):
    """Failed tries of one kind (scope) by one client or against one account/order (key, hashed),
    counted in a window that starts at the first failure. Kept in the database so that every web
    process and every machine sees the same count (dianpu.core.ratelimit)."""

    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    window_started_at = models.DateTimeField(db_index=True)
    failures = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="attempt_counter_once")]
