from __future__ import annotations

from xaso.accounts.models import Membership
from xaso.core.roles import Role


def public_leaders(commune) -> list[dict]:
    """The commune's leaders as the public sees them: name and title only."""
    rows = (
        Membership.objects.filter(commune=commune, role=Role.LEADER, active=True)
        .select_related("user")
        .order_by("id")
    )
    return [{"name": m.user.display_name, "title": m.title or str(Role.LEADER.label)} for m in rows]


def officials_of(commune):
    from xaso.core.roles import OFFICIAL_ROLES

    return (
        Membership.objects.filter(
            commune=commune, role__in=[str(r) for r in OFFICIAL_ROLES], active=True
        )
        .select_related("user")
        .order_by("role", "user__full_name")
    )
