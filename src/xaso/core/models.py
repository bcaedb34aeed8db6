from django.db import models


class IdempotencyRecord(models.Model):
    """The stored answer to a write sent with an ``Idempotency-Key`` header.

    A retry with the same key (same caller) gets the same answer and changes
    nothing; the unique constraint makes two simultaneous retries safe.
    """

    scope = models.CharField(max_length=64)
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    completed = models.BooleanField(default=False)
    status = models.PositiveSmallIntegerField(null=True)
    content_type = models.CharField(max_length=100, blank=True)
    body = models.BinaryField(null=True)
    headers = models.JSONField(default=dict)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="uniq_idempotency_key")
        ]

    def __str__(self) -> str:
        return self.key
