from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction

from xaso.audit import services as audit
from xaso.workdays.calendar import forget_overrides
from xaso.workdays.models import CalendarOverride, DayKind


def _require_admin(actor) -> None:
    # The calendar is national: only platform administrators change it.
    if not (
        actor
        and actor.is_authenticated
        and (actor.is_superuser or actor.has_perm("workdays.change_calendaroverride"))
    ):
        raise PermissionDenied("workdays.edit")


@transaction.atomic
def set_override(
    actor, day: dt.date, kind: str, name: str, *, ip: str | None = None
) -> CalendarOverride:
    _require_admin(actor)
    if kind not in DayKind.values:
        raise ValueError(kind)
    override, created = CalendarOverride.objects.update_or_create(
        date=day, defaults={"kind": kind, "name": name.strip()[:200]}
    )
    audit.record(
        actor,
        "workdays.override.set",
        override,
        ip=ip,
        detail={"date": day.isoformat(), "kind": kind, "name": name, "created": created},
    )
    transaction.on_commit(forget_overrides)
    return override


@transaction.atomic
def remove_override(actor, day: dt.date, *, ip: str | None = None) -> bool:
    _require_admin(actor)
    override = CalendarOverride.objects.filter(date=day).first()
    if override is None:
        return False
    audit.record(
        actor,
        "workdays.override.remove",
        override,
        ip=ip,
        detail={"date": day.isoformat(), "kind": override.kind, "name": override.name},
    )
    override.delete()
    transaction.on_commit(forget_overrides)
    return True
