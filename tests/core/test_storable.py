"""The one rule for every stored string (core.text) and its model-level net
(core.storable). The domains test it on their own entry paths (tests/*/test_storable.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from xaso.core.text import (
    check_storable,
    check_storable_fields,
    scrub,
    unstorable_char,
    validate_storable,
)

REFUSED = ["\x00", "\x08", "\x0b", "\x0c", "\x18", "\x1b", "\x1f", "\x7f", "\x85", "\x9f"]
REFUSED += ["\ud800", "\udfff", "\ufffe", "\uffff"]
ALLOWED = ["\t", "\n", "\r", " ", "ệ", "Đ", "\u00a0", "😀", "\u200b", "\ufffd"]


@pytest.mark.parametrize("char", REFUSED)
def test_controls_surrogates_and_non_characters_are_refused(char):
    assert unstorable_char(f"Hà{char}Trung") == char
    with pytest.raises(ValidationError) as caught:
        check_storable(f"Hà{char}Trung", "full_name")
    message = " ".join(caught.value.message_dict["full_name"])
    assert "full_name" in message and f"U+{ord(char):04X}" in message
    with pytest.raises(ValidationError):
        validate_storable(char)
    assert scrub(f"a{char}b") == "a\ufffdb"


@pytest.mark.parametrize("char", ALLOWED)
def test_text_tabs_and_line_breaks_pass(char):
    assert unstorable_char(f"Hà{char}Trung") is None
    assert check_storable(f"Hà{char}Trung", "x") == f"Hà{char}Trung"
    assert scrub(f"a{char}b") == f"a{char}b"


def test_json_is_walked_keys_and_all():
    assert unstorable_char({"a": [1, None, {"b": "ok"}, "x\x18"]}) == "\x18"
    assert unstorable_char({"k\x00": "v"}) == "\x00"
    assert unstorable_char({"a": [1, 2.5, True, None]}) is None
    with pytest.raises(ValidationError) as caught:
        check_storable_fields({"name": "An", "form": {"x": "\x02"}, "\x01": "y"}, prefix="p.")
    assert set(caught.value.message_dict) == {"p.form", "p.?"}
    assert scrub({"k\x00": ["v\x18", 3]}) == {"k\ufffd": ["v\ufffd", 3]}


def test_every_model_of_the_project_is_covered(db):
    from django.apps import apps

    from xaso.core.storable import string_fields

    covered = {m._meta.label for m in apps.get_models() if string_fields(m)}
    assert {"dossiers.Dossier", "procedures.Procedure", "population.Person"} <= covered
    assert {"feedback.Report", "documents.Document", "accounts.User"} <= covered
    assert not any(label.startswith(("auth.", "sessions.")) for label in covered)


def test_a_save_from_any_path_is_refused_naming_the_field(demo):
    from xaso.geo.models import Commune
    from xaso.workdays.models import CalendarOverride

    with pytest.raises(ValidationError) as caught:
        CalendarOverride.objects.create(date="2026-12-01", kind="day_off", name="Nghỉ\x18bù")
    assert list(caught.value.message_dict) == ["name"]
    commune = Commune.objects.first()
    commune.name = "Xã\x00Mới"
    with pytest.raises(ValidationError):
        commune.save(update_fields=["name"])


def test_a_failed_sign_in_with_control_characters_is_refused_and_audited(client, demo):
    from xaso.audit.models import AuditEvent
    from xaso.audit.services import record

    r = client.post("/dang-nhap/", {"username": "motcua\x18", "password": "x"})
    assert r.status_code == 400 and "username" in r.content.decode()
    # The audit log never refuses: it records what was tried, with "�".
    event = record(None, "accounts.login.failed", None, detail={"username": "motcua\x18"})
    assert AuditEvent.objects.get(pk=event.pk).detail == {"username": "motcua\ufffd"}


def test_query_strings_are_checked_too(client, demo):
    r = client.get("/x/15271/thu-tuc/", {"q": "khai\x00sinh"})
    assert r.status_code == 400 and "q" in r.content.decode()
