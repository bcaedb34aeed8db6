"""Reads: the credentials an official may see and use in a commune."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xaso.core import permissions
from xaso.signatures.models import SigningCredential

#: Columns a list needs: never the PKCS#12 file or the images.
LIST_FIELDS = (
    "id",
    "commune_id",
    "kind",
    "owner_id",
    "label",
    "pkcs11_module",
    "token_label",
    "subject_name",
    "organisation",
    "serial",
    "issuer",
    "not_before",
    "not_after",
    "active",
    "created_at",
)


def credentials_for(user, commune) -> QuerySet[SigningCredential]:
    """The user's own personal credentials here, and the commune's organisation ones."""
    qs = SigningCredential.objects.filter(commune=commune).only(*LIST_FIELDS)
    return qs.filter(
        Q(kind=SigningCredential.Kind.PERSONAL, owner=user)
        | Q(kind=SigningCredential.Kind.ORGANISATION)
    ).order_by("kind", "-active", "label", "id")


def usable_credentials(user, commune) -> QuerySet[SigningCredential]:
    """Active, unexpired credentials ``user`` may sign with in ``commune``."""
    from django.utils import timezone

    may_org = permissions.has_perm(user, "signatures.sign_org", commune)
    cond = Q(kind=SigningCredential.Kind.PERSONAL, owner=user)
    if may_org:
        cond |= Q(kind=SigningCredential.Kind.ORGANISATION)
    return (
        SigningCredential.objects.filter(commune=commune, active=True)
        .filter(Q(not_after__isnull=True) | Q(not_after__gt=timezone.now()))
        .filter(cond)
        .order_by("-kind", "label", "id")  # personal first
    )
