"""Ids of commune A's dossiers for the generic tenant sweep (tests/core)."""

from django.utils import timezone

# Aggregated figures without personal data, public by design: the province's
# dashboard and the public on-time rate read them.
PUBLIC_PATHS = {"/communes/{code}/dossier-stats"}


def samples(commune) -> dict[str, int]:
    from xaso.dossiers.demo import seed
    from xaso.dossiers.models import Attachment, Dossier

    seed(now=timezone.now())
    dossier = Dossier.objects.filter(commune=commune).order_by("id").first()
    attachment = Attachment.objects.filter(dossier__commune=commune).order_by("id").first()
    return {"dossier_id": dossier.pk, "attachment_id": attachment.pk}
