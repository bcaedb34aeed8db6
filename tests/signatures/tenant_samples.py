"""Ids of commune A's signing credentials for the generic tenant sweep."""

from __future__ import annotations

from django.utils import timezone


def samples(commune) -> dict[str, int]:
    from xaso.signatures.demo import seed
    from xaso.signatures.models import SigningCredential

    seed(now=timezone.now())
    credential = SigningCredential.objects.filter(commune=commune, kind="organisation").first()
    return {"credential_id": credential.pk}
