"""The string rule (``core.text.check_storable``) for every model of the project.

A ``pre_save`` receiver checks each ``CharField``, ``TextField`` and ``JSONField`` (and
their subclasses: e-mail, slug, URL …) of every model in a ``xaso.*`` app before it is
written, and refuses with ``ValidationError({field: …})`` naming the field and the
character. So whichever path saves a row — a service, an import, Open311, the e-mail
import, the admin, a management command, a domain not written yet — no unstorable
string reaches the database. Services still check their inputs by the names the caller
used (``applicant.full_name``, ``form.child_name``) before doing any work; this is the
net under them.

Two exceptions keep it from doing harm: a value the row already holds (stored before
the rule existed) does not stop a later save of that row — an official can still
process the dossier — and ``QuerySet.update`` / ``bulk_create`` do not send signals,
so code that writes with them checks its values itself (the spreadsheet imports do,
row by row).
"""

from __future__ import annotations

from functools import cache

from django.core.exceptions import ValidationError
from django.db import models

from xaso.core.text import unstorable_char, unstorable_error

STRING_FIELDS = (models.CharField, models.TextField, models.JSONField)


@cache
def string_fields(model) -> tuple:
    if not model._meta.app_config or not model._meta.app_config.name.startswith("xaso."):
        return ()
    return tuple(
        f for f in model._meta.concrete_fields if isinstance(f, STRING_FIELDS) and not f.primary_key
    )


def check_instance(instance, update_fields=None) -> None:
    """Refuse to save ``instance`` when a string field holds an unstorable character."""
    fields = string_fields(type(instance))
    if update_fields is not None:
        fields = [f for f in fields if f.name in update_fields or f.attname in update_fields]
    bad = {}
    for field in fields:
        char = unstorable_char(getattr(instance, field.attname, None))
        if char is not None:
            bad[field] = char
    if not bad:
        return
    if not instance._state.adding and instance.pk is not None:
        # What the row already holds is not new input: let the rest of it be saved.
        stored = (
            type(instance)
            ._base_manager.filter(pk=instance.pk)
            .values(*(f.attname for f in bad))
            .first()
        )
        if stored is not None:
            bad = {
                f: c for f, c in bad.items() if stored[f.attname] != getattr(instance, f.attname)
            }
    if bad:
        raise ValidationError({f.name: unstorable_error(f.name, c) for f, c in bad.items()})


def guard(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    if raw:  # loading fixtures: stored as given
        return
    check_instance(instance, update_fields)


# --- Repairing what was stored before the rule ------------------------------------------

#: Never rewritten: the audit log is append-only (its exports scrub on output).
NOT_REPAIRED = {"audit.auditevent"}


def stored_offenders(*, repair: bool = False) -> dict[str, int]:
    """Rows of every project model whose strings break the rule, counted per model;
    with ``repair`` each offending value is rewritten with :func:`core.text.scrub`
    ("�" in place of each refused character), in place, without touching anything
    else of the row. ``xaso scrub_text`` runs it."""
    from django.apps import apps
    from django.db import transaction

    from xaso.core.text import scrub

    counts: dict[str, int] = {}
    for model in apps.get_models():
        fields = string_fields(model)
        if not fields or model._meta.label_lower in NOT_REPAIRED or model._meta.proxy:
            continue
        names = [f.attname for f in fields]
        found = 0
        rows = model._base_manager.values_list("pk", *names).order_by("pk")
        for pk, *values in rows.iterator(chunk_size=2000):
            bad = {
                name: value
                for name, value in zip(names, values, strict=True)
                if unstorable_char(value) is not None
            }
            if not bad:
                continue
            found += 1
            if repair:
                with transaction.atomic():
                    model._base_manager.filter(pk=pk).update(
                        **{name: scrub(value) for name, value in bad.items()}
                    )
        if found:
            counts[model._meta.label] = found
    return counts
