"""Reads of the procedure catalog."""

from __future__ import annotations

from django.core.exceptions import FieldError
from django.db.models import Count, Q, QuerySet

from xaso.core.text import fold
from xaso.procedures.models import Procedure


def _search(qs: QuerySet, q: str | None) -> QuerySet:
    """Accent-insensitive search on the name (at word starts) and on the code."""
    term = fold(q or "")
    if not term:
        return qs
    cond = Q()
    for word in term.split(" "):
        cond &= Q(name_folded__startswith=word) | Q(name_folded__contains=f" {word}")
    return qs.filter(cond | Q(code__startswith=(q or "").strip()))


def catalog_for(commune, q: str | None = None, field: str | None = None) -> QuerySet:
    """The active procedures of ``commune``, optionally searched and filtered by field."""
    qs = Procedure.objects.filter(commune=commune, active=True)
    if field:
        qs = qs.filter(field=field)
    return _search(qs, q).order_by("order", "name")


def admin_catalog(commune, q: str | None = None, field: str | None = None, active=None):
    """Every procedure of ``commune`` (active or not), for the administrators."""
    qs = Procedure.objects.filter(commune=commune)
    if field:
        qs = qs.filter(field=field)
    if active is not None:
        qs = qs.filter(active=active)
    return _search(qs, q).order_by("order", "name")


def get_procedure(commune, code: str, *, active_only: bool = True) -> Procedure | None:
    """One procedure of ``commune`` by its national code; None when absent."""
    qs = Procedure.objects.filter(commune=commune, code=code)
    if active_only:
        qs = qs.filter(active=True)
    return qs.select_related("commune").first()


def fields_of(commune, *, active_only: bool = True) -> list[str]:
    """The fields (lĩnh vực) present in the commune's catalog, for the filter."""
    qs = Procedure.objects.filter(commune=commune)
    if active_only:
        qs = qs.filter(active=True)
    return sorted(set(qs.values_list("field", flat=True)), key=fold)


def popular(commune, limit: int = 6) -> list[Procedure]:
    """The procedures most applied for in the commune (by dossiers when the one-stop
    shop records them), else the first of the catalog order."""
    qs = Procedure.objects.filter(commune=commune, active=True)
    try:
        ranked = qs.annotate(n=Count("dossiers")).order_by("-n", "order", "name")
    except FieldError:  # the one-stop shop is not installed
        ranked = qs.order_by("order", "name")
    return list(ranked[:limit])
