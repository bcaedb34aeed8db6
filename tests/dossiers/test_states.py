"""The state machine: every transition, legal and illegal."""

from __future__ import annotations

import pytest

from xaso.core.problems import Problem
from xaso.dossiers import services
from xaso.dossiers.models import TRANSITIONS, Dossier, DossierEvent, State

pytestmark = pytest.mark.dates

SCORES = {
    k: 2 for k in ("contacts", "agencies", "one_stop", "publication", "attitude", "complaints")
}


@pytest.mark.parametrize("action", sorted(TRANSITIONS))
@pytest.mark.parametrize("state", [int(s) for s in State])
def test_the_model_allows_exactly_the_listed_transitions(action, state):
    dossier = Dossier(state=state)
    sources, target = TRANSITIONS[action]
    if state in sources:
        assert dossier.apply(action) == (state, target)
        assert dossier.state == target
    else:
        with pytest.raises(Problem) as exc:
            dossier.apply(action)
        assert exc.value.status == 409
        assert dossier.state == state


def test_final_states_have_no_way_out():
    for final in (State.NOT_RECEIVED, State.WITHDRAWN, State.RETURNED):
        assert not any(final in sources for sources, _t in TRANSITIONS.values())


def test_an_online_dossier_is_new_until_the_officer_receives_it(submit, officer):
    d = submit("online")
    assert d.state == State.NEW
    d = services.receive(officer, d)
    assert d.state == State.RECEIVED and d.received_by == officer
    with pytest.raises(Problem) as exc:
        services.receive(officer, d)
    assert exc.value.status == 409


def test_a_counter_dossier_is_received_at_once(submit, officer):
    d = submit("counter")
    assert d.state == State.RECEIVED
    kinds = list(d.events.values_list("from_state", "to_state"))
    assert kinds == [(None, 1), (1, 2)]


def test_refusal_needs_a_reason_and_is_final(submit, officer):
    from django.core.exceptions import ValidationError

    d = submit("online")
    with pytest.raises(ValidationError):
        services.refuse(officer, d, reason="  ")
    d = services.refuse(officer, d, reason="Không thuộc thẩm quyền")
    assert d.state == State.NOT_RECEIVED and d.refusal_reason == "Không thuộc thẩm quyền"
    with pytest.raises(Problem):
        services.start(officer, d)


def test_the_whole_happy_path_by_steps(submit, officer, specialist, leader, citizen):
    d = submit("online")
    d = services.receive(officer, d)
    d = services.start(officer, d, assignee=specialist)
    assert d.state == State.PROCESSING and d.current_step == 1 and d.assignee == specialist
    # The specialist's step cannot be completed yet: the leader's step follows.
    with pytest.raises(Problem) as exc:
        services.complete(specialist, d)
    assert exc.value.code == "steps-remaining"
    d = services.forward(specialist, d, assignee=leader)
    assert d.current_step == 2 and d.state == State.PROCESSING
    # The leader's step is the last one before the hand-over: forward is refused.
    with pytest.raises(Problem) as exc:
        services.forward(leader, d)
    assert exc.value.code == "last-step"
    d = services.complete(leader, d, note="Đã ký giấy khai sinh")
    assert d.state == State.DONE and d.completed_at is not None
    d = services.return_result(officer, d, method="pickup")
    assert d.state == State.RETURNED and d.returned_at is not None
    states = [e.to_state for e in d.events.exclude(to_state=None) if e.from_state != e.to_state]
    assert states == [1, 2, 4, 9, 10]


def test_a_step_belongs_to_its_role(submit, officer, specialist, leader):
    d = services.start(officer, submit())
    # The one-stop officer does not hold the specialist's step …
    with pytest.raises(Problem) as exc:
        services.forward(officer, d)
    assert exc.value.status == 403
    d = services.forward(specialist, d)
    # … nor does the specialist hold the leader's.
    with pytest.raises(Problem):
        services.complete(specialist, d)
    services.complete(leader, d)


def test_the_assignee_must_hold_the_steps_role(submit, officer, specialist, leader):
    from django.core.exceptions import ValidationError

    d = submit()
    with pytest.raises(ValidationError):
        services.start(officer, d, assignee=leader)  # step 1 is the specialist's
    d = services.start(officer, d)
    with pytest.raises(ValidationError):
        services.assign(officer, d, assignee=officer)
    d = services.assign(officer, d, assignee=specialist)
    assert d.assignee == specialist
    assert d.events.filter(kind="assigned").count() == 1


def test_an_official_of_another_commune_cannot_act(submit, demo):
    from django.core.exceptions import PermissionDenied

    from tests.conftest import user

    d = submit()
    with pytest.raises(PermissionDenied):
        services.start(user("motcua.xakhac"), d)


def test_one_request_to_supplement_only(submit, officer, specialist):
    d = services.start(officer, submit())
    d = services.request_supplement(specialist, d, reason="Thiếu giấy chứng sinh")
    assert d.state == State.SUPPLEMENT
    d = services.supplement_complete(officer, d)
    assert d.state == State.PROCESSING
    with pytest.raises(Problem) as exc:
        services.request_supplement(specialist, d, reason="Lại thiếu")
    assert exc.value.status == 409 and exc.value.code == "supplement-already-requested"


def test_supplement_only_while_processing(submit, officer):
    d = submit()
    with pytest.raises(Problem):
        services.request_supplement(officer, d, reason="x")


def test_financial_obligation_and_payment(submit, officer, specialist):
    d = services.start(officer, submit())
    d = services.request_payment(specialist, d, note="Nộp lệ phí 8.000 đồng")
    assert d.state == State.FINANCIAL
    with pytest.raises(Problem):
        services.complete(specialist, d)
    d = services.paid(officer, d)
    assert d.state == State.PROCESSING and d.paid_at is not None


def test_stop_and_resume(submit, officer, specialist):
    d = services.start(officer, submit())
    d = services.stop(specialist, d, reason="Chờ xác minh")
    assert d.state == State.STOPPED
    with pytest.raises(Problem):
        services.forward(specialist, d)
    d = services.resume(specialist, d)
    assert d.state == State.PROCESSING


@pytest.mark.parametrize(
    "steps", ["new", "received", "processing", "supplement", "financial", "stopped"]
)
def test_the_citizen_withdraws_before_the_result(submit, officer, specialist, citizen, steps):
    d = submit("online")
    if steps != "new":
        d = services.receive(officer, d)
    if steps in ("processing", "supplement", "financial", "stopped"):
        d = services.start(officer, d)
    if steps == "supplement":
        d = services.request_supplement(specialist, d, reason="x")
    if steps == "financial":
        d = services.request_payment(specialist, d, note="x")
    if steps == "stopped":
        d = services.stop(specialist, d, reason="x")
    d = services.withdraw(citizen, d, reason="Không cần nữa")
    assert d.state == State.WITHDRAWN


def test_no_withdrawal_once_done(submit, officer, specialist, leader, citizen):
    d = services.start(officer, services.receive(officer, submit("online")))
    d = services.complete(leader, services.forward(specialist, d))
    with pytest.raises(Problem):
        services.withdraw(citizen, d)


def test_only_the_applicant_withdraws(submit, other_citizen):
    from django.core.exceptions import PermissionDenied

    d = submit("online")
    with pytest.raises(PermissionDenied):
        services.withdraw(other_citizen, d)


def test_every_change_is_audited(submit, officer):
    from xaso.audit.models import AuditEvent

    d = services.start(officer, submit())
    actions = set(
        AuditEvent.objects.filter(object_id=str(d.pk), object_type="dossiers.dossier").values_list(
            "action", flat=True
        )
    )
    assert {"dossiers.dossier.submit", "dossiers.dossier.start"} <= actions


def test_rating_once_after_the_result(submit, officer, specialist, leader, citizen, other_citizen):
    from django.core.exceptions import PermissionDenied, ValidationError

    d = services.start(officer, services.receive(officer, submit("online")))
    with pytest.raises(Problem):
        services.rate(citizen, d, scores=SCORES)
    d = services.complete(leader, services.forward(specialist, d))
    d = services.return_result(officer, d, method="online")
    with pytest.raises(PermissionDenied):
        services.rate(other_citizen, d, scores=SCORES)
    with pytest.raises(ValidationError):
        services.rate(citizen, d, scores={**SCORES, "attitude": 3})
    rating = services.rate(citizen, d, scores={**SCORES, "attitude": 1})
    # Computed: on time (2), each step within budget (2), online for a full-online
    # procedure (2); given: 5×2 + 1.
    assert rating.scores["time"] == 2 and rating.scores["online"] == 2
    assert rating.total == 2 + 2 + 2 + 11
    with pytest.raises(Problem) as exc:
        services.rate(citizen, d, scores=SCORES)
    assert exc.value.code == "already-rated"
    assert DossierEvent.objects.filter(dossier=d, kind="rated").count() == 1


def test_available_actions_follow_role_and_state(submit, officer, specialist, leader):
    d = submit("online")
    assert services.available_actions(officer, d)[:2] == ["receive", "refuse"]
    assert "receive" not in services.available_actions(specialist, d)
    d = services.start(officer, services.receive(officer, d))
    assert "forward" in services.available_actions(specialist, d)
    assert "forward" not in services.available_actions(officer, d)
    d = services.forward(specialist, d)
    assert "complete" in services.available_actions(leader, d)
