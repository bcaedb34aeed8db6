"""The workflow core: one transitions table, one 409, one timeline with its audit record.

The generic tests walk every declared workflow (``core.workflow.WORKFLOWS``), so a new
domain's machine is held to the same rules from its first line.
"""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from xaso.core.problems import from_problem
from xaso.core.workflow import WORKFLOWS, Problem, Workflow

WITH_MODEL = [w for w in WORKFLOWS if w.model is not None]


def _ids(workflow) -> str:
    return workflow.model._meta.label


def test_every_domain_machine_is_declared_through_the_core():
    labels = {w.model._meta.label for w in WITH_MODEL}
    assert {"dossiers.Dossier", "feedback.Report", "documents.Document"} <= labels


@pytest.mark.parametrize("workflow", WITH_MODEL, ids=_ids)
def test_every_state_of_the_table_is_a_choice_of_the_field(workflow):
    choices = {value for value, _label in workflow.model._meta.get_field(workflow.field).choices}
    for name, (sources, target) in workflow.transitions.items():
        assert sources, name
        assert sources <= choices, name
        assert target in choices, name


@pytest.mark.parametrize("workflow", WITH_MODEL, ids=_ids)
def test_an_illegal_move_is_one_409_naming_the_state_in_both_languages(workflow):
    choices = workflow.model._meta.get_field(workflow.field).choices
    for name, (sources, _target) in workflow.transitions.items():
        outside = [value for value, _label in choices if value not in sources]
        if not outside:
            continue
        obj = workflow.model(**{workflow.field: outside[0]})
        assert not workflow.allowed(obj, name)
        with pytest.raises(Problem) as caught:
            workflow.apply(obj, name)
        assert getattr(obj, workflow.field) == outside[0], "a refused move changes nothing"
        body = json.loads(from_problem(None, caught.value).content)
        assert body["status"] == 409
        assert body["type"] == "/problems/illegal-transition"
        assert body["state"] == outside[0]
        label = dict(choices)[outside[0]]
        from django.utils import translation

        with translation.override("vi"):
            assert str(label) in body["detail"]
        with translation.override("en"):
            assert str(label) in body["detail_en"]
        assert "Không" not in body["detail_en"]


def test_allowed_follows_the_table_and_the_guard():
    from xaso.documents.models import WORKFLOW, Direction, Document, Status

    incoming = Document(direction=Direction.INCOMING, status=Status.REGISTERED)
    assert WORKFLOW.allowed(incoming, "assign")
    assert not WORKFLOW.allowed(incoming, "submit")
    # The same status name in the other direction: the guard refuses.
    outgoing = Document(direction=Direction.OUTGOING, status=Status.REGISTERED)
    assert not WORKFLOW.allowed(outgoing, "assign")
    assert WORKFLOW.available(incoming) == ["assign"]


def test_a_transition_saves_writes_the_timeline_and_the_audit(db, demo, commune_a):
    from tests.conftest import user
    from xaso.audit.models import AuditEvent
    from xaso.feedback.demo import seed
    from xaso.feedback.models import WORKFLOW, Report, ReportEvent, Status

    seed(now=timezone.now())
    report = Report.objects.filter(commune=commune_a, status=Status.NEW).first()
    actor = user("motcua.hatrung")
    before, after, event = WORKFLOW.transition(
        report, "accept", actor=actor, note="Đã nhận", ip="203.0.113.7"
    )
    assert (before, after) == (Status.NEW, Status.ACCEPTED)
    report.refresh_from_db()
    assert report.status == Status.ACCEPTED
    assert isinstance(event, ReportEvent)
    assert (event.from_state, event.to_state, event.kind) == ("new", "accepted", "status")
    assert event.actor == actor and event.note == "Đã nhận" and event.public
    audit = AuditEvent.objects.filter(action="feedback.report.accept").latest("id")
    assert audit.object_id == str(report.pk)
    assert audit.detail == {"from": "new", "to": "accepted"}
    assert audit.ip == "203.0.113.7"


def test_a_refused_transition_writes_nothing(db, demo, commune_a):
    from tests.conftest import user
    from xaso.audit.models import AuditEvent
    from xaso.feedback.demo import seed
    from xaso.feedback.models import WORKFLOW, Report, Status

    seed(now=timezone.now())
    report = Report.objects.filter(commune=commune_a, status=Status.NEW).first()
    events, audits = report.events.count(), AuditEvent.objects.count()
    with pytest.raises(Problem):
        WORKFLOW.transition(report, "close", actor=user("motcua.hatrung"))
    assert report.events.count() == events
    assert AuditEvent.objects.count() == audits


def test_numbered_states_keep_null_for_no_state(db, demo, commune_a):
    from xaso.dossiers.models import Dossier, DossierEvent

    assert DossierEvent._empty_state() is None
    from xaso.feedback.models import ReportEvent

    assert ReportEvent._empty_state() == ""
    assert Dossier._meta.get_field("state")


def test_an_unknown_transition_is_a_programming_error():
    from xaso.feedback.models import WORKFLOW, Report

    with pytest.raises(LookupError):
        WORKFLOW.allowed(Report(status="new"), "teleport")


def test_the_table_is_normalised_in_place():
    table = {"go": (["a"], "b")}
    machine = Workflow("state", table, subject="x")
    try:
        assert table["go"] == (frozenset({"a"}), "b")
        assert machine.transitions is table
    finally:
        WORKFLOWS.remove(machine)
