from django.utils import timezone

from xaso.dossiers.models import Dossier, State


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
