"""Life events change the registry only through services, with history and audit."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xaso.audit.models import AuditEvent
from xaso.population import services
from xaso.population.models import Household, Person, PersonChange, Village

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _events(action):
    return AuditEvent.objects.filter(action=action)


def test_birth_adds_a_child_with_history_and_audit(registry_a, official, person_a):
    officer = official("motcua.hatrung")
    child = services.register_birth(
        officer,
        person_a.household,
        full_name="Nguyễn Gia Hân",
        date_of_birth=dt.date(2025, 9, 1),
        sex="F",
        identity_number="038325000777",
    )
    assert child.household == person_a.household
    assert child.relationship == "con"
    assert child.residence_from == dt.date(2025, 9, 1)
    change = PersonChange.objects.get(person=child)
    assert (change.event, change.field, change.new_value) == ("birth", "household", "HT-001")
    assert change.actor_label == "motcua.hatrung"
    assert _events("population.birth").get().object_id == str(child.pk)


def test_birth_refuses_an_identity_number_that_contradicts_the_sex(registry_a, official, person_a):
    with pytest.raises(ValidationError) as exc:
        services.register_birth(
            official("motcua.hatrung"),
            person_a.household,
            full_name="Nguyễn Gia Hân",
            date_of_birth=dt.date(2025, 9, 1),
            sex="F",
            identity_number="038225000777",  # 2 = male born in the 2000s
        )
    assert "identity_number" in exc.value.message_dict


def test_a_specialist_may_view_but_not_record_events(registry_a, official, person_a):
    with pytest.raises(PermissionDenied):
        services.register_death(
            official("chuyenvien.hatrung"), person_a, date_of_death=dt.date(2026, 1, 2)
        )


def test_officials_of_another_commune_cannot_record_events(registry_a, official, person_a):
    with pytest.raises(PermissionDenied):
        services.move_out(official("motcua.xakhac"), person_a)


def test_death_of_the_head_leaves_the_household_waiting_for_a_new_head(
    registry_a, official, person_a
):
    household = person_a.household
    services.register_death(official("motcua.hatrung"), person_a, date_of_death=dt.date(2026, 1, 2))
    person_a.refresh_from_db()
    household.refresh_from_db()
    assert not person_a.alive and person_a.date_of_death == dt.date(2026, 1, 2)
    assert household.head is None
    rows = {c.field: c for c in PersonChange.objects.filter(person=person_a, event="death")}
    assert rows["alive"].old_value == "True" and rows["alive"].new_value == "False"
    assert "chủ hộ mới" in rows["alive"].note
    assert _events("population.death").exists()


def test_death_before_birth_is_refused(registry_a, official, person_a):
    with pytest.raises(ValidationError):
        services.register_death(
            official("motcua.hatrung"), person_a, date_of_death=dt.date(1980, 1, 1)
        )


def test_move_in_with_a_new_household_makes_the_newcomer_its_head(registry_a, official, commune_a):
    village = Village.objects.get(commune=commune_a, name="Đông Sơn")
    person = services.move_in(
        official("motcua.hatrung"),
        commune_a,
        person={
            "full_name": "Đặng Văn Tú",
            "date_of_birth": dt.date(1990, 5, 5),
            "sex": "M",
            "identity_number": "001090123456",
            "phone": "+84 987 654 321",
        },
        new_household_number="HT-100",
        village=village,
        residence_status="tam_tru",
    )
    assert person.phone == "0987654321"
    assert person.household.head == person and person.relationship == "chu_ho"
    assert person.residence_status == "tam_tru"
    assert PersonChange.objects.filter(person=person, event="move_in").exists()
    assert _events("population.move_in").exists()


def test_move_in_refuses_someone_who_already_lives_here(registry_a, official, commune_a, person_a):
    with pytest.raises(ValidationError):
        services.move_in(
            official("motcua.hatrung"),
            commune_a,
            person={
                "full_name": "Nguyễn Văn An",
                "date_of_birth": person_a.date_of_birth,
                "sex": "M",
                "identity_number": person_a.identity_number,
            },
            household=person_a.household,
        )


def test_move_out_and_back_in_keeps_one_row_and_its_history(registry_a, official, commune_a):
    officer = official("motcua.hatrung")
    person = Person.objects.get(full_name="Nguyễn Minh Khôi")
    services.move_out(officer, person, date=dt.date(2026, 2, 1), destination="Hà Nội")
    person.refresh_from_db()
    assert person.household is None and person.moved_out_on == dt.date(2026, 2, 1)
    out = PersonChange.objects.get(person=person, event="move_out", field="household")
    assert out.old_value == "HT-001" and out.note == "Hà Nội"
    back = services.move_in(
        officer,
        commune_a,
        person={
            "full_name": person.full_name,
            "date_of_birth": person.date_of_birth,
            "sex": person.sex,
            "identity_number": person.identity_number,
        },
        household=Household.objects.get(commune=commune_a, number="HT-001"),
    )
    assert back.pk == person.pk and back.is_resident
    assert PersonChange.objects.filter(person=person).count() >= 3


def test_change_head_records_both_relationships(registry_a, official, person_a):
    household = person_a.household
    wife = Person.objects.get(full_name="Phạm Thị Hằng")
    services.change_head(
        official("motcua.hatrung"), household, wife, previous_head_relationship="chong"
    )
    household.refresh_from_db()
    person_a.refresh_from_db()
    assert household.head == wife
    assert person_a.relationship == "chong"
    assert PersonChange.objects.filter(event="change_head", person=person_a).get().old_value == (
        "chu_ho"
    )
    assert _events("population.change_head").exists()


def test_change_head_refuses_a_member_of_another_household(registry_a, official, person_a):
    other = Person.objects.get(full_name="Lê Văn Thắng")
    with pytest.raises(ValidationError):
        services.change_head(official("motcua.hatrung"), person_a.household, other)


def test_split_moves_members_to_a_new_household(registry_a, official, commune_a):
    household = Household.objects.get(commune=commune_a, number="HT-005")
    son = Person.objects.get(full_name="Nguyễn Văn Đức")
    sister = Person.objects.get(full_name="Nguyễn Thị Lan Anh")
    new = services.split_household(
        official("motcua.hatrung"), household, members=[sister], head=son, new_number="HT-005B"
    )
    son.refresh_from_db()
    sister.refresh_from_db()
    assert new.head == son and son.relationship == "chu_ho"
    assert sister.household == new and new.village == household.village
    assert household.members.filter(alive=True).count() == 3
    assert PersonChange.objects.filter(event="split", person=sister).get().old_value == "HT-005"
    assert _events("population.split").exists()


def test_split_refuses_to_take_the_head_away(registry_a, official, commune_a):
    household = Household.objects.get(commune=commune_a, number="HT-005")
    with pytest.raises(ValidationError):
        services.split_household(
            official("motcua.hatrung"),
            household,
            members=[],
            head=household.head,
            new_number="HT-005C",
        )


def test_merge_moves_everyone_and_closes_the_source(registry_a, official, commune_a):
    source = Household.objects.get(commune=commune_a, number="HT-003")
    target = Household.objects.get(commune=commune_a, number="HT-007")
    old_head = source.head
    services.merge_households(official("motcua.hatrung"), source, target)
    source.refresh_from_db()
    old_head.refresh_from_db()
    assert not source.active and source.head is None
    assert old_head.household == target and old_head.relationship == "khac"
    assert target.members.count() == 5
    assert PersonChange.objects.filter(event="merge", field="household").count() == 2
    assert _events("population.merge").exists()


def test_corrections_keep_the_previous_value(registry_a, official, person_a):
    services.update_person(
        official("quantri.hatrung"),
        person_a,
        full_name="Nguyễn Văn Ân",
        phone="0912 000 009",
        publish_in_village_directory=True,
    )
    person_a.refresh_from_db()
    assert person_a.full_name_folded == "nguyen van an"
    changes = {c.field: c for c in PersonChange.objects.filter(person=person_a, event="correction")}
    assert changes["full_name"].old_value == "Nguyễn Văn An"
    assert changes["full_name"].new_value == "Nguyễn Văn Ân"
    assert changes["phone"].old_value == "0912000001"
    assert changes["publish_in_village_directory"].new_value == "True"
    event = _events("population.person.update").get()
    assert event.detail["fields"] == ["full_name", "phone", "publish_in_village_directory"]


def test_corrections_are_validated(registry_a, official, person_a):
    with pytest.raises(ValidationError) as exc:
        services.update_person(
            official("quantri.hatrung"),
            person_a,
            date_of_birth=dt.date(2099, 1, 1),
            ethnicity="Không có",
            phone="12345",
        )
    assert {"date_of_birth", "ethnicity", "phone"} <= set(exc.value.message_dict)


def test_ethnic_groups_are_recognised_without_accents():
    assert services.clean_ethnicity("muong") == "Mường"
    assert services.clean_ethnicity("") == "Kinh"
    assert services.clean_ethnicity("Ê đê") == "Ê Đê"
    with pytest.raises(ValidationError):
        services.clean_ethnicity("Elf")


def test_villages_are_unique_per_commune_accents_ignored(registry_a, official, commune_a):
    with pytest.raises(ValidationError):
        services.create_village(
            official("quantri.hatrung"), commune_a, name="chi phuc", kind="thon"
        )
    with pytest.raises(PermissionDenied):
        services.create_village(official("motcua.hatrung"), commune_a, name="Mới", kind="thon")
