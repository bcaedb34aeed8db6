"""The API: submission (multipart, idempotent), lookup, inbox, actions, stats, mine."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.dossiers.conftest import APPLICANT, FORM, PDF, png_bytes
from xaso.dossiers import selectors, services
from xaso.dossiers.models import Attachment, Dossier, State

pytestmark = pytest.mark.dates

BASE = "/api/v1/communes/15271"


def payload(channel="online", **extra) -> str:
    return json.dumps(
        {"procedure": "1.001193", "channel": channel, "applicant": APPLICANT, "form": FORM, **extra}
    )


@pytest.fixture
def citizen_client(login_as, citizen):
    return login_as("p0912000001")


def test_a_citizen_submits_online_with_a_file(citizen_client, procedure):
    r = citizen_client.post(
        f"{BASE}/dossiers",
        {"payload": payload(), "attachments": [SimpleUploadedFile("giay.pdf", PDF)]},
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["state"] == 1 and body["attachments"] == 1
    assert body["code"].startswith("000.00.38.H56-")
    assert body["due_at"] and body["received_at"]
    d = Dossier.objects.get(pk=body["id"])
    assert d.attachments.get().sha256 and d.applicant_user.phone == "0912000001"


def test_the_officer_files_at_the_counter_with_a_bearer_token(client, bearer, procedure):
    r = client.post(f"{BASE}/dossiers", {"payload": payload("counter")}, **bearer("motcua.hatrung"))
    assert r.status_code == 201, r.content
    assert r.json()["state"] == 2


def test_a_retried_submission_creates_one_dossier(citizen_client, procedure):
    data = {"payload": payload(), "attachments": [SimpleUploadedFile("giay.pdf", PDF)]}
    first = citizen_client.post(f"{BASE}/dossiers", data, HTTP_IDEMPOTENCY_KEY="k-123")
    data["attachments"] = [SimpleUploadedFile("giay.pdf", PDF)]
    # The same multipart body again (a test client reuses its boundary).
    again = citizen_client.post(f"{BASE}/dossiers", data, HTTP_IDEMPOTENCY_KEY="k-123")
    assert first.status_code == again.status_code == 201
    assert first.json()["code"] == again.json()["code"]
    assert Dossier.objects.count() == 1 and Attachment.objects.count() == 1


def test_a_phone_resending_after_a_dropped_connection_gets_its_first_answer(
    citizen_client, procedure
):
    """Every attempt draws a new multipart boundary; the key still means one dossier."""
    from django.test.client import encode_multipart

    def send(boundary: str, content: bytes = PDF):
        files = [
            SimpleUploadedFile("giay.pdf", content),
            SimpleUploadedFile("anh.png", png_bytes()),
        ]
        body = encode_multipart(boundary, {"payload": payload(), "attachments": files})
        return citizen_client.post(
            f"{BASE}/dossiers",
            body,
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="phone-retry-1",
        )

    first = send("----WebKitFormBoundary7MA4YWxkTrZu0gW")
    again = send("----WebKitFormBoundaryZ8q3c1xRk2Pp9LsA")
    assert first.status_code == again.status_code == 201, again.content
    assert again["Idempotent-Replayed"] == "true"
    assert again.json() == first.json()
    assert Dossier.objects.count() == 1 and Attachment.objects.count() == 2
    # Another file under the same key is another request.
    other = send("----WebKitFormBoundaryQ", content=PDF + b"% changed\n")
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-key-reused"
    assert Dossier.objects.count() == 1


@pytest.mark.parametrize(
    ("name", "data", "words"),
    [
        ("virus.pdf", b"MZ\x90\x00 not a pdf at all", "không phải PDF"),
        ("anh.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "không phải PDF"),
        ("rong.pdf", b"", "rỗng"),
        ("to.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024) + b"%%EOF", "lớn hơn 10 MB"),
    ],
)
def test_rejected_attachments_leave_nothing(citizen_client, procedure, name, data, words):
    r = citizen_client.post(
        f"{BASE}/dossiers",
        {"payload": payload(), "attachments": [SimpleUploadedFile(name, data)]},
    )
    assert r.status_code == 422, r.content
    assert r["Content-Type"] == "application/problem+json"
    assert words in r.json()["detail"]
    assert Dossier.objects.count() == 0 and Attachment.objects.count() == 0


def test_a_real_png_and_a_jpeg_are_accepted(citizen_client, procedure):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (8, 8)).save(buf, "JPEG")
    r = citizen_client.post(
        f"{BASE}/dossiers",
        {
            "payload": payload(),
            "attachments": [
                SimpleUploadedFile("a.png", png_bytes()),
                SimpleUploadedFile("b.jpg", buf.getvalue()),
            ],
        },
    )
    assert r.status_code == 201
    assert sorted(Attachment.objects.values_list("content_type", flat=True)) == [
        "image/jpeg",
        "image/png",
    ]


def test_too_many_files(citizen_client, procedure):
    files = [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]
    r = citizen_client.post(f"{BASE}/dossiers", {"payload": payload(), "attachments": files})
    assert r.status_code == 422 and "tối đa 5 tệp" in r.json()["detail"]


@pytest.mark.parametrize("bad", ["not json", "[]", json.dumps({"procedure": "1.001193"})])
def test_a_malformed_payload_is_a_422(citizen_client, procedure, bad):
    r = citizen_client.post(f"{BASE}/dossiers", {"payload": bad})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"


def test_form_errors_name_the_field(citizen_client, procedure):
    r = citizen_client.post(
        f"{BASE}/dossiers", {"payload": payload(form={"child_name": "", "birth_date": "x"})}
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert {"form.child_name", "form.birth_date"} <= fields


def test_strangers_cannot_submit(client, login_as, procedure, bearer):
    assert client.post(f"{BASE}/dossiers", {"payload": payload()}).status_code == 401
    # An official of another commune is not a citizen here.
    r = client.post(f"{BASE}/dossiers", {"payload": payload()}, **bearer("motcua.xakhac"))
    assert r.status_code == 403
    # A citizen whose commune is elsewhere neither.
    assert (
        login_as("chuyenvien.hatrung").post(f"{BASE}/dossiers", {"payload": payload()}).status_code
        == 403
    )


# --- Lookup -----------------------------------------------------------------------------


def test_lookup_shows_no_personal_data(client, submit, officer):
    d = services.receive(officer, submit("online"))
    r = client.get("/api/v1/dossiers/lookup", {"code": d.code, "phone": "0001"})
    assert r.status_code == 200
    body = r.json()
    assert body["state"] == 2 and body["state_label"] == "Được tiếp nhận"
    assert [t["state"] for t in body["timeline"]] == [1, 2]
    # Every time carries its offset, on SQLite as on PostgreSQL.
    for moment in [body["submitted_at"], body["due_at"]] + [t["at"] for t in body["timeline"]]:
        assert dt.datetime.fromisoformat(moment.replace("Z", "+00:00")).tzinfo is not None
    # The one-query public card says what the ORM says.
    from xaso.dossiers.api import lookup_data

    assert selectors.public_card(d.code, "0001") == lookup_data(d)
    text = r.content.decode()
    for secret in (
        "Nguyễn Văn An",
        "038085001234",
        "0912000001",
        "Chí Phúc",
        "an@example.vn",
        "Trần Thị Lan",
    ):
        assert secret not in text


def test_a_wrong_phone_answers_like_an_unknown_code(client, submit):
    d = submit()
    wrong = client.get("/api/v1/dossiers/lookup", {"code": d.code, "phone": "9999"})
    unknown = client.get("/api/v1/dossiers/lookup", {"code": d.code + "9", "phone": "0001"})
    assert wrong.status_code == unknown.status_code == 404
    assert wrong.json()["detail"] == unknown.json()["detail"]


def test_lookup_is_rate_limited(client, submit):
    d = submit()
    codes = [
        client.get("/api/v1/dossiers/lookup", {"code": d.code, "phone": "0001"}).status_code
        for _ in range(32)
    ]
    assert codes[0] == 200 and codes[-1] == 429


# --- Officials ----------------------------------------------------------------------------


def test_inbox_filters(client, bearer, submit, officer, specialist):
    a = submit()
    services.start(officer, submit(), assignee=specialist)
    headers = bearer("chuyenvien.hatrung")
    r = client.get(f"{BASE}/dossiers", {"state": 2}, **headers)
    assert [x["id"] for x in r.json()["items"]] == [a.pk]
    mine = client.get(f"{BASE}/dossiers", {"filter": "mine"}, **headers).json()
    assert mine["count"] == 1 and mine["items"][0]["state"] == 4
    assert client.get(f"{BASE}/dossiers", {"filter": "overdue"}, **headers).json()["count"] == 0
    q = client.get(f"{BASE}/dossiers", {"q": "nguyen van"}, **headers).json()
    assert q["count"] == 2


def test_detail_masks_the_identity_number_unless_the_role_needs_it(client, bearer, submit):
    from xaso.audit.models import AuditEvent

    d = submit()
    leader = client.get(f"{BASE}/dossiers/{d.pk}", **bearer("chutich.hatrung")).json()
    officer = client.get(f"{BASE}/dossiers/{d.pk}", **bearer("motcua.hatrung")).json()
    assert leader["applicant_id_number"] == "038******234"
    assert officer["applicant_id_number"] == "038085001234"
    assert (
        AuditEvent.objects.filter(
            action="personal_data.read", object_id=str(d.pk), personal_data=True
        ).count()
        == 2
    )


def test_actions_through_the_api(client, bearer, submit, specialist):
    d = submit()
    officer = bearer("motcua.hatrung")
    r = client.post(
        f"{BASE}/dossiers/{d.pk}/actions/start",
        {"assignee_id": specialist.pk},
        content_type="application/json",
        **officer,
    )
    assert r.status_code == 200 and r.json()["state"] == 4 and r.json()["step_name"] == "Thẩm định"
    again = client.post(
        f"{BASE}/dossiers/{d.pk}/actions/start", {}, content_type="application/json", **officer
    )
    assert again.status_code == 409 and again["Content-Type"] == "application/problem+json"
    r = client.post(
        f"{BASE}/dossiers/{d.pk}/actions/request_supplement",
        {"reason": "Thiếu giấy chứng sinh"},
        content_type="application/json",
        **bearer("chuyenvien.hatrung"),
    )
    assert r.json()["state"] == 5
    r = client.post(
        f"{BASE}/dossiers/{d.pk}/actions/apologize",
        {"reason": "x", "new_due": "2030-01-01"},
        content_type="application/json",
        **officer,
    )
    assert r.status_code == 409  # not while waiting for the supplement
    bad = client.post(
        f"{BASE}/dossiers/{d.pk}/actions/fly", {}, content_type="application/json", **officer
    )
    assert bad.status_code == 422


def test_a_retried_action_is_not_applied_twice(client, bearer, submit):
    d = submit()
    headers = {**bearer("motcua.hatrung"), "HTTP_IDEMPOTENCY_KEY": "act-1"}
    url = f"{BASE}/dossiers/{d.pk}/actions/start"
    one = client.post(url, {}, content_type="application/json", **headers)
    two = client.post(url, {}, content_type="application/json", **headers)
    assert one.status_code == two.status_code == 200
    assert d.events.filter(to_state=State.PROCESSING).count() == 1


def test_stats_are_public_and_aggregated(client, submit):
    submit()
    r = client.get(f"{BASE}/dossier-stats", {"from": "2020-01-01", "to": "2029-12-31"})
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["received"] == 1 and body["from"] == "2020-01-01"
    assert body["by_procedure"][0]["code"] == "1.001193"
    assert "Nguyễn" not in r.content.decode()
    bad = client.get(f"{BASE}/dossier-stats", {"from": "2026-02-01", "to": "2026-01-01"})
    assert bad.status_code == 422


# --- The citizen's own ---------------------------------------------------------------------


def test_a_citizen_sees_only_their_own(client, login_as, submit, other_citizen):
    d = submit("online")
    mine = login_as("p0912000001").get("/api/v1/me/dossiers").json()
    assert [x["code"] for x in mine["items"]] == [d.code]
    other = login_as("p0912000002")
    assert other.get("/api/v1/me/dossiers").json()["count"] == 0
    assert (
        other.post(
            f"/api/v1/me/dossiers/{d.pk}/withdraw", {}, content_type="application/json"
        ).status_code
        == 404
    )
    # Citizens are not officials: the commune's inbox is closed to them.
    assert other.get(f"{BASE}/dossiers").status_code == 403
    assert other.get(f"{BASE}/dossiers/{d.pk}").status_code == 403


def test_withdraw_and_rate_through_the_api(login_as, submit, officer, specialist, leader):
    c = login_as("p0912000001")
    d = submit("online")
    r = c.post(
        f"/api/v1/me/dossiers/{d.pk}/withdraw", {"reason": "nhầm"}, content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["state"] == 7
    d2 = services.start(officer, services.receive(officer, submit("online")))
    d2 = services.return_result(
        officer, services.complete(leader, services.forward(specialist, d2)), method="pickup"
    )
    scores = {
        k: 2 for k in ("contacts", "agencies", "one_stop", "publication", "attitude", "complaints")
    }
    r = c.post(
        f"/api/v1/me/dossiers/{d2.pk}/rating", {"scores": scores}, content_type="application/json"
    )
    assert r.status_code == 201 and r.json()["total"] == 18
    r = c.post(
        f"/api/v1/me/dossiers/{d2.pk}/rating", {"scores": scores}, content_type="application/json"
    )
    assert r.status_code == 409


def test_rating_indices_are_published(client):
    r = client.get("/api/v1/dossiers/rating-indices")
    assert len(r.json()) == 9 and sum(x["computed"] for x in r.json()) == 3


def test_the_inbox_costs_the_same_queries_for_3_or_30_dossiers(
    client, bearer, submit, django_assert_max_num_queries
):
    headers = bearer("chuyenvien.hatrung")
    for _ in range(3):
        submit()
    with django_assert_max_num_queries(12) as few:
        client.get(f"{BASE}/dossiers", **headers)
    for _ in range(27):
        submit()
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(f"{BASE}/dossiers", **headers)
    assert r.json()["count"] == 30
