"""Ids of commune A's documents for the generic tenant sweep (tests/core)."""

from django.utils import timezone


def samples(commune) -> dict[str, int]:
    from xaso.documents.demo import seed
    from xaso.documents.models import Document

    seed(now=timezone.now())
    doc = Document.objects.filter(commune=commune, confidentiality="thuong").order_by("id").first()
    return {"document_id": doc.pk, "file_id": doc.files.order_by("id").first().pk}
