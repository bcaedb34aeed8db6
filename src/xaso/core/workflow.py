"""One workflow core for every state machine and its timeline.

A domain declares its machine once, next to its model::

    TRANSITIONS = {
        "receive": ({State.NEW}, State.RECEIVED),
        "refuse": ({State.NEW}, State.NOT_RECEIVED),
        ...
    }
    WORKFLOW = Workflow(
        "state",                      # the model field that holds the state
        TRANSITIONS,                  # action → (states it may start from, state it leads to)
        subject=_("hồ sơ"),           # named in the 409 message
        timeline="dossiers.DossierEvent",
        audit_prefix="dossiers.dossier",
    )

and its services call ``WORKFLOW.transition(obj, "receive", actor=..., ...)`` inside a
transaction, with the row locked (``select_for_update``). That one call refuses an illegal
move with the same 409 problem everywhere (``illegal-transition``, naming the state in
Vietnamese and in English), sets the new state and the other changed fields, saves, writes
the timeline event (a subclass of :class:`TimelineEvent`) and the audit record.

``allowed``/``available`` answer what a page may offer; ``apply`` alone moves the state
without saving, for services that save more than the transition (and for tests).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.problems import Problem

ILLEGAL_TRANSITION = "illegal-transition"

#: Every declared workflow, so one generic test (tests/core/test_workflow.py) checks them
#: all: a new domain's machine is covered the moment its models module is imported.
WORKFLOWS: list[Workflow] = []


class Workflow:
    """A declared transitions table over one field of a model."""

    def __init__(
        self,
        field: str,
        transitions: Mapping[str, tuple[Iterable[Any], Any]],
        *,
        subject: Any,
        timeline: str | type[TimelineEvent] | None = None,
        audit_prefix: str = "",
        event_kind: str = "state",
        guard: Callable[[Any, str], bool] | None = None,
    ) -> None:
        self.field = field
        # Normalised in place, so the module's TRANSITIONS and the workflow are one table.
        for name, (sources, target) in list(transitions.items()):
            if not isinstance(sources, frozenset):
                transitions[name] = (frozenset(sources), target)  # type: ignore[index]
        self.transitions = transitions
        self.subject = subject
        self._timeline = timeline
        self.audit_prefix = audit_prefix
        self.event_kind = event_kind
        self.guard = guard
        WORKFLOWS.append(self)

    def __repr__(self) -> str:
        return f"<Workflow {self._timeline!s}.{self.field}: {len(self.transitions)} transitions>"

    # --- the table -------------------------------------------------------------------

    def sources(self, name: str) -> frozenset:
        return self._entry(name)[0]

    def target(self, name: str) -> Any:
        return self._entry(name)[1]

    def _entry(self, name: str) -> tuple[frozenset, Any]:
        try:
            return self.transitions[name]
        except KeyError:
            raise LookupError(f"unknown transition {name!r}") from None

    def allowed(self, obj, name: str) -> bool:
        """May ``name`` start from the object's current state?"""
        sources, _target = self._entry(name)
        if getattr(obj, self.field) not in sources:
            return False
        return self.guard is None or self.guard(obj, name)

    def available(self, obj) -> list[str]:
        return [name for name in self.transitions if self.allowed(obj, name)]

    def label(self, obj, value: Any = None) -> Any:
        """The (lazy) label of a state, so a message renders it in either language."""
        if value is None:
            value = getattr(obj, self.field)
        field = obj._meta.get_field(self.field)
        return dict(field.flatchoices).get(value, value)

    # --- moving ------------------------------------------------------------------------

    def refuse(self, obj) -> Problem:
        return Problem(
            409,
            _("Không thể thực hiện thao tác này khi %(subject)s đang ở trạng thái “%(state)s”."),
            code=ILLEGAL_TRANSITION,
            params={"subject": self.subject, "state": self.label(obj)},
            extra={"state": _plain(getattr(obj, self.field))},
        )

    def apply(self, obj, name: str) -> tuple[Any, Any]:
        """Move ``obj`` to the state ``name`` leads to (not saved), or raise the 409."""
        if not self.allowed(obj, name):
            raise self.refuse(obj)
        before = getattr(obj, self.field)
        after = self.target(name)
        setattr(obj, self.field, after)
        return before, after

    def transition(
        self,
        obj,
        name: str,
        *,
        actor,
        note: str = "",
        public: bool = True,
        ip: str | None = None,
        kind: str | None = None,
        changes: Mapping[str, Any] | None = None,
        event: Mapping[str, Any] | None = None,
        audit_action: str | None = None,
        detail: Mapping[str, Any] | None = None,
        at=None,
    ):
        """Apply ``name``, set ``changes``, save, and record the timeline event and the
        audit record; returns ``(before, after, timeline event)``.

        Call inside ``transaction.atomic()`` with ``obj`` locked: two officials acting at
        once would otherwise both pass the state check.
        """
        from xaso.audit import services as audit

        before, after = self.apply(obj, name)
        for field, value in (changes or {}).items():
            setattr(obj, field, value)
        obj.save()
        entry = None
        if self._timeline is not None:
            entry = self.timeline.log(
                obj,
                actor,
                kind or self.event_kind,
                before=before,
                after=after,
                note=note,
                public=public,
                at=at,
                **(event or {}),
            )
        audit.record(
            actor,
            audit_action or f"{self.audit_prefix}.{name}",
            obj,
            ip=ip,
            detail={"from": _plain(before), "to": _plain(after), **(detail or {})},
        )
        return before, after, entry

    @property
    def timeline(self) -> type[TimelineEvent]:
        if isinstance(self._timeline, str):
            self._timeline = apps.get_model(self._timeline)
        return self._timeline

    @property
    def model(self):
        """The model whose ``field`` this machine moves (known through its timeline)."""
        if self._timeline is None:
            return None
        timeline = self.timeline
        return timeline._meta.get_field(timeline.subject_field).related_model


def _plain(value: Any) -> Any:
    """A choices member as the plain int or str that JSON and the audit log keep."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, str):
        return str(value)
    return value


class TimelineEvent(models.Model):
    """What happened to one object, in order: the base of every domain's timeline.

    A subclass adds the foreign key to its subject (named by ``subject_field``), the
    choices of ``kind`` and, where its states are not text, its own ``from_state`` /
    ``to_state`` fields. ``public`` events are the ones a citizen's page may show.
    """

    subject_field: ClassVar[str] = ""

    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=20)
    from_state = models.CharField(max_length=24, blank=True, default="")
    to_state = models.CharField(max_length=24, blank=True, default="")
    note = models.TextField(blank=True)
    public = models.BooleanField(default=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    @classmethod
    def log(
        cls,
        subject,
        actor,
        kind: str,
        *,
        before: Any = None,
        after: Any = None,
        note: str = "",
        public: bool | None = None,
        at=None,
        **fields: Any,
    ):
        """Append one event about ``subject`` (no audit record: callers that change data
        audit it themselves, and :meth:`Workflow.transition` does both)."""
        empty = cls._empty_state()
        values = {
            cls.subject_field: subject,
            "actor": actor if getattr(actor, "is_authenticated", False) else None,
            "kind": kind,
            "from_state": empty if before is None else before,
            "to_state": empty if after is None else after,
            "note": note,
            **fields,
        }
        if public is not None:
            values["public"] = public
        if at is not None:
            values["at"] = at
        return cls.objects.create(**values)

    @classmethod
    def _empty_state(cls):
        # Text states are stored as "" when absent; numbered states (dossiers) as NULL.
        return None if cls._meta.get_field("from_state").null else ""


__all__ = ["ILLEGAL_TRANSITION", "WORKFLOWS", "TimelineEvent", "Workflow"]
