import pytest
from django.db import DatabaseError, connection, transaction

from xaso.audit import services as audit
from xaso.audit.models import AppendOnlyError, AuditEvent
from xaso.core.text import fold


def test_the_log_cannot_be_altered_through_the_application(demo):
    event = audit.record(None, "test.event")
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(action="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_updates_too(demo):
    event = audit.record(None, "test.event")
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = 'x' WHERE id = %s", [event.pk])


def test_reading_a_citizen_is_audited_and_masked(client, bearer, commune_a):
    from xaso.accounts.models import CitizenProfile

    profile = CitizenProfile.objects.filter(commune=commune_a).first()
    url = f"/api/v1/communes/{commune_a.code_str}/citizens/{profile.pk}"
    # A specialist sees the record with the identity number masked …
    r = client.get(url, **bearer("chuyenvien.hatrung"))
    assert r.json()["identity_number"] == profile.masked_identity_number
    assert r.json()["identity_number_masked"] is True
    # … the one-stop officer, who identifies applicants, sees it whole.
    r = client.get(url, **bearer("motcua.hatrung"))
    assert r.json()["identity_number"] == profile.identity_number
    reads = AuditEvent.objects.filter(action="personal_data.read", object_id=str(profile.pk))
    assert {e.actor_label for e in reads} == {"chuyenvien.hatrung", "motcua.hatrung"}
    assert all(e.commune_id == commune_a.pk and e.personal_data for e in reads)


def test_list_of_citizens_is_masked_audited_and_accent_insensitive(client, bearer, commune_a):
    r = client.get(
        f"/api/v1/communes/{commune_a.code_str}/citizens",
        {"q": "nguyen van an"},
        **bearer("motcua.hatrung"),
    )
    items = r.json()["items"]
    assert [i["full_name"] for i in items] == ["Nguyễn Văn An"]
    assert "*" in items[0]["identity_number"]
    assert AuditEvent.objects.filter(action="accounts.citizens.list", personal_data=True).exists()
    assert fold("Nguyễn Văn An") == "nguyen van an"


def test_a_citizen_sees_who_read_their_record(client, bearer, commune_a, login_as):
    from xaso.accounts.models import CitizenProfile

    profile = CitizenProfile.objects.get(user__phone="0912000001")
    client.get(
        f"/api/v1/communes/{commune_a.code_str}/citizens/{profile.pk}", **bearer("motcua.hatrung")
    )
    c = login_as(profile.user.username)
    assert "motcua.hatrung" in c.get("/tai-khoan/").content.decode()


def test_officials_browse_filter_and_export(login_as, commune_a):
    audit.record(None, "test.alpha", commune=commune_a)
    audit.record(None, "test.beta", commune=commune_a)
    c = login_as("quantri.hatrung")
    r = c.get(f"/x/{commune_a.code_str}/van-phong/nhat-ky/", {"action": "test.alpha"})
    html = r.content.decode()
    assert r.status_code == 200 and "test.alpha" in html and "test.beta" not in html
    r = c.get(f"/x/{commune_a.code_str}/van-phong/nhat-ky/", {"format": "csv"})
    body = b"".join(r.streaming_content).decode()
    assert r["Content-Type"].startswith("text/csv")
    assert "test.alpha" in body and "test.beta" in body
    assert AuditEvent.objects.filter(action="audit.export").exists()


def test_a_clerk_may_not_read_the_log(login_as, commune_a):
    assert (
        login_as("vanthu.hatrung").get(f"/x/{commune_a.code_str}/van-phong/nhat-ky/").status_code
        == 403
    )


def test_api_filters_and_paginates(client, bearer, commune_a):
    for i in range(5):
        audit.record(None, f"test.page{i}", commune=commune_a)
    r = client.get(
        f"/api/v1/communes/{commune_a.code_str}/audit-events",
        {"action": "test.page", "page_size": 2, "page": 2},
        **bearer("chutich.hatrung"),
    )
    body = r.json()
    assert body["count"] == 5 and body["pages"] == 3 and len(body["items"]) == 2
