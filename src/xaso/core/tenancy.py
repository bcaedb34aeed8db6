"""The tenant rule: every row a commune owns carries its commune, and no query
crosses communes unless a role allows it.

Models inherit :class:`CommuneOwned`; code that lists them for an actor calls
``Model.objects.visible_to(user, action)``, and code that opens one object calls
:func:`get_owned_or_404`. Both go through ``xaso.core.permissions``.
"""

from __future__ import annotations

import copy

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from xaso.core import permissions
from xaso.core.cache import memo


class CommuneQuerySet(models.QuerySet):
    def visible_to(self, user, action: str):
        ids = permissions.commune_ids_for(user, action)
        if ids is None:
            return self
        return self.filter(commune_id__in=ids)

    def in_commune(self, commune):
        return self.filter(commune=commune)


class CommuneOwned(models.Model):
    commune = models.ForeignKey(
        "geo.Commune", on_delete=models.PROTECT, related_name="+", verbose_name=_("Xã/phường")
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        abstract = True


def get_commune_or_404(code):
    from xaso.geo.models import Commune
    from xaso.geo.selectors import parse_commune_code

    number = parse_commune_code(code)
    if number is None:
        raise Http404("commune")
    # Every request under /x/<code>/ and /api/v1/communes/<code>/ resolves its commune,
    # often twice (authentication, then the view); the units change a few times a
    # decade, so each worker keeps them a few seconds. A copy goes out, so a caller
    # that sets an attribute never changes what the next request sees.
    key = f"commune-obj:{number}"
    commune = memo.get(key)
    if commune is None:
        commune = Commune.objects.select_related("province").filter(code=number).first()
        if commune is None:
            raise Http404("commune")
        memo.set(key, commune)
    return copy.copy(commune)


def commune_for(user, code, action: str):
    """Resolve a commune code and check ``action`` there: 404 or 403, never a leak."""
    commune = get_commune_or_404(code)
    permissions.require(user, action, commune)
    return commune


def get_owned_or_404(queryset, user, action: str, **lookup):
    """One commune-owned object the user may act on; 404 when it is not theirs."""
    obj = queryset.filter(**lookup).select_related("commune").first()
    if obj is None:
        raise Http404
    if not permissions.has_perm(user, action, obj.commune):
        # Same answer as "does not exist": do not tell B's officials what A holds.
        raise Http404
    return obj


__all__ = ["CommuneOwned", "CommuneQuerySet", "PermissionDenied", "commune_for", "get_owned_or_404"]
