import pytest
from django.utils import timezone

from xaso.dossiers.models import Dossier, State

pytestmark = pytest.mark.dates


def test_the_demo_has_dossiers_in_every_state(demo, commune_a, commune_b):
    from xaso.dossiers.demo import seed

    seed(now=timezone.now())
    states = set(Dossier.objects.filter(commune=commune_a).values_list("state", flat=True))
    assert states == {int(s) for s in State}
    assert Dossier.objects.filter(commune=commune_b).exists()
    mine = Dossier.objects.filter(applicant_user__phone="0912000001")
    assert mine.count() >= 3
    assert mine.filter(state=State.RETURNED, rating__isnull=True).exists()  # to rate
    before = Dossier.objects.count()
    seed(now=timezone.now())  # idempotent
    assert Dossier.objects.count() == before


def test_every_procedure_of_the_national_catalog_can_be_applied_for(login_as, commune_a):
    from xaso.accounts.models import User
    from xaso.dossiers import services
    from xaso.dossiers.demo import sample_form
    from xaso.procedures.models import Procedure
    from xaso.procedures.services import install_catalog

    install_catalog(commune_a)
    citizen = User.objects.get(phone="0912000001")
    c = login_as("p0912000001")
    procedures = list(Procedure.objects.filter(commune=commune_a, active=True))
    assert len(procedures) >= 15
    for procedure in procedures:
        page = c.get(f"/x/15271/thu-tuc/{procedure.code}/nop/")
        assert page.status_code == 200, procedure.code
        d = services.submit_dossier(
            citizen,
            commune_a,
            procedure_code=procedure.code,
            channel="online",
            applicant={"full_name": "Nguyễn Văn An", "phone": "0912000001"},
            form=sample_form(procedure.form_schema, citizen),
        )
        assert d.due_at is not None and d.state == State.NEW


#: Days on which a demo built from "today" used to lack a state: a Saturday, the
#: eve of Tết, a Friday after the counter cut-off, a Monday before opening hours,
#: New Year's Eve a minute before midnight, New Year's Day.
AWKWARD_MOMENTS = [
    "2026-11-21T10:00:00+07:00",
    "2027-02-05T09:00:00+07:00",
    "2026-11-27T16:00:00+07:00",
    "2026-11-23T06:00:00+07:00",
    "2026-12-31T23:59:00+07:00",
    "2027-01-01T12:00:00+07:00",
]


@pytest.mark.parametrize("moment", AWKWARD_MOMENTS)
def test_the_demo_has_every_state_whatever_the_day(demo, commune_a, clock, moment):
    from xaso.dossiers.demo import seed
    from xaso.dossiers.models import DossierEvent, EventKind

    now = clock.move_to(moment)
    seed(now=now)
    dossiers = Dossier.objects.filter(commune=commune_a)
    assert set(dossiers.values_list("state", flat=True)) == {int(s) for s in State}
    # The apology letter (form 04) was sent at the reference moment.
    apology = dossiers.get(apologized_at__isnull=False)
    assert apology.apologized_at == now
    # One open dossier is past its due date; one returned dossier was late, one on time.
    assert any(d.is_overdue for d in dossiers)
    returned = dossiers.filter(state=State.RETURNED)
    assert {d.on_time for d in returned} == {True, False}
    # Nothing happened after the reference moment.
    assert not dossiers.filter(submitted_at__gt=now).exists()
    assert not DossierEvent.objects.filter(dossier__commune=commune_a, at__gt=now).exists()
    assert DossierEvent.objects.filter(kind=EventKind.APOLOGY, at=now).count() == 1
