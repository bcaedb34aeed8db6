"""The one place that answers "may this actor do this action in this commune?".

Domains declare their actions with :func:`register_action` (in ``permissions.py``
of the domain, imported from its ``AppConfig.ready()``); views, API endpoints
and querysets all ask :func:`has_perm` / :func:`commune_ids_for`. A province DX
officer holds the actions marked ``province_reads`` in every commune of their
province. A superuser (platform administrator) may do everything.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from xaso.core.roles import Role


@dataclass(frozen=True)
class Action:
    name: str
    roles: frozenset[str]
    province_reads: bool = False


_actions: dict[str, Action] = {}


def register_action(name: str, roles, *, province_reads: bool = False) -> Action:
    action = Action(name, frozenset(str(r) for r in roles), province_reads)
    existing = _actions.get(name)
    if existing and existing != action:
        raise ValueError(f"permission action {name!r} registered twice with different rules")
    _actions[name] = action
    return action


def get_action(name: str) -> Action:
    try:
        return _actions[name]
    except KeyError:
        raise LookupError(f"unknown permission action {name!r}") from None


def registered_actions() -> dict[str, Action]:
    return dict(_actions)


@dataclass
class Grants:
    """What one user holds, loaded once per request."""

    by_commune: dict[int, set[str]]
    provinces: dict[int, set[str]]
    is_superuser: bool = False


def grants_for(user) -> Grants:
    if user is None or not getattr(user, "is_authenticated", False):
        return Grants({}, {})
    cached = getattr(user, "_xaso_grants", None)
    if cached is not None:
        return cached
    from xaso.accounts.models import Membership

    by_commune: dict[int, set[str]] = {}
    provinces: dict[int, set[str]] = {}
    rows = Membership.objects.filter(user=user, active=True).values_list(
        "commune_id", "province_id", "role"
    )
    for commune_id, province_id, role in rows:
        if commune_id is not None:
            by_commune.setdefault(commune_id, set()).add(role)
        elif province_id is not None:
            provinces.setdefault(province_id, set()).add(role)
    grants = Grants(by_commune, provinces, bool(user.is_superuser))
    user._xaso_grants = grants
    return grants


def forget_grants(user) -> None:
    if hasattr(user, "_xaso_grants"):
        del user._xaso_grants


def has_perm(user, action_name: str, commune) -> bool:
    """May ``user`` do ``action_name`` in ``commune`` (a geo.Commune)?"""
    action = get_action(action_name)
    grants = grants_for(user)
    if grants.is_superuser:
        return True
    if grants.by_commune.get(commune.pk, set()) & action.roles:
        return True
    if action.province_reads:
        roles = grants.provinces.get(commune.province_id, set())
        if Role.PROVINCE_DX in roles:
            return True
    return False


def require(user, action_name: str, commune) -> None:
    if not has_perm(user, action_name, commune):
        raise PermissionDenied(action_name)


def commune_ids_for(user, action_name: str):
    """The communes in which ``user`` may do ``action_name``: ids, or None for all."""
    action = get_action(action_name)
    grants = grants_for(user)
    if grants.is_superuser:
        return None
    ids = {cid for cid, roles in grants.by_commune.items() if roles & action.roles}
    if action.province_reads:
        province_ids = [pid for pid, roles in grants.provinces.items() if Role.PROVINCE_DX in roles]
        if province_ids:
            from xaso.geo.models import Commune

            ids |= set(
                Commune.objects.filter(province_id__in=province_ids).values_list("id", flat=True)
            )
    return ids


def is_official(user) -> bool:
    grants = grants_for(user)
    from xaso.core.roles import OFFICIAL_ROLES, PROVINCE_ROLES

    official = {str(r) for r in OFFICIAL_ROLES | PROVINCE_ROLES}
    return grants.is_superuser or any(
        roles & official for roles in [*grants.by_commune.values(), *grants.provinces.values()]
    )
