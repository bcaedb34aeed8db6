"""``record()``: the one call every service makes for a write or a personal-data read."""

from __future__ import annotations

from typing import Any

from xaso.audit.models import AuditEvent
from xaso.core.text import scrub


def _label(actor) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "anonymous"
    return actor.get_username()


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    commune=None,
    ip: str | None = None,
    personal_data: bool = False,
    detail: dict | None = None,
) -> AuditEvent:
    """Append one event. ``commune`` defaults to the object's own commune."""
    if commune is None and obj is not None:
        commune = getattr(obj, "commune", None)
    object_type = object_id = object_repr = ""
    if obj is not None:
        meta = getattr(obj, "_meta", None)
        object_type = meta.label_lower if meta else type(obj).__name__
        object_id = str(getattr(obj, "pk", "") or "")
        object_repr = str(obj)[:200]
    # The log records what was tried, bad characters and all, and never refuses:
    # they are written as "�" (the string rule, core.text).
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=scrub(_label(actor)[:150]),
        action=action,
        object_type=object_type,
        object_id=scrub(object_id),
        object_repr=scrub(object_repr),
        commune=commune,
        ip=ip,
        personal_data=personal_data,
        detail=scrub(detail or {}),
    )


def record_read(actor, obj, *, ip: str | None = None, commune=None, detail=None) -> AuditEvent:
    """Record that ``actor`` read personal data held in ``obj``."""
    return record(
        actor, "personal_data.read", obj, commune=commune, ip=ip, personal_data=True, detail=detail
    )
