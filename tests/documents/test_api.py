"""The API under /api/v1/communes/{code}/documents: problem+json errors, the workflow,
idempotent retries and the figures."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.conftest import user
from tests.documents.conftest import TEMPLATE_FIELDS, make_pdf
from xaso.documents.models import Document

pytestmark = pytest.mark.dates


@pytest.fixture
def api(commune_a):
    return f"/api/v1/communes/{commune_a.code_str}"


def _post(client, url, body, headers):
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _upload(**extra):
    data = {
        "file": SimpleUploadedFile("cv.pdf", make_pdf("Công văn đến"), "application/pdf"),
        "author": "UBND tỉnh Thanh Hóa",
        "summary": "Về việc chuyển đổi số",
        "symbol": "125/UBND-KGVX",
        "document_date": "2026-02-03",
    }
    data.update(extra)
    return data


def test_the_clerk_registers_by_upload_and_a_retry_does_not_duplicate(client, api, bearer):
    headers = {**bearer("vanthu.hatrung"), "HTTP_IDEMPOTENCY_KEY": "den-1"}
    first = client.post(f"{api}/documents/incoming", _upload(), **headers)
    assert first.status_code == 201, first.content
    again = client.post(f"{api}/documents/incoming", _upload(), **headers)
    assert again.status_code == 201 and again.json()["id"] == first.json()["id"]
    assert Document.objects.count() == 1 and first.json()["arrival_number"] == 1


def test_bad_input_is_a_problem(client, api, bearer):
    headers = bearer("vanthu.hatrung")
    r = client.post(
        f"{api}/documents/incoming",
        _upload(file=SimpleUploadedFile("x.pdf", b"not a pdf", "application/pdf")),
        **headers,
    )
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
    assert "PDF" in r.json()["detail"]
    r = client.post(f"{api}/documents/incoming", _upload(urgency="gấp"), **headers)
    assert r.status_code == 422
    assert not Document.objects.exists()


def test_the_specialist_may_not_register(client, api, bearer):
    r = client.post(f"{api}/documents/incoming", _upload(), **bearer("chuyenvien.hatrung"))
    assert r.status_code == 403 and r["Content-Type"] == "application/problem+json"


def test_an_email_file_is_registered_through_the_api(client, api, bearer):
    from tests.documents.test_services import sample_eml

    eml = SimpleUploadedFile("thu.eml", sample_eml(), "message/rfc822")
    r = client.post(f"{api}/documents/incoming/email", {"file": eml}, **bearer("vanthu.hatrung"))
    assert r.status_code == 201 and r.json()["source"] == "email"


def test_the_whole_workflow_through_the_api(client, api, bearer, commune_a):
    from xaso.signatures.demo import seed
    from xaso.signatures.services import verify_pdf
    from xaso.signatures.testca import DEMO_PASSPHRASE

    seed(now=timezone.now())
    clerk, leader, specialist = (
        bearer("vanthu.hatrung"),
        bearer("chutich.hatrung"),
        bearer("chuyenvien.hatrung"),
    )
    source = client.post(f"{api}/documents/incoming", _upload(), **clerk).json()
    r = _post(
        client,
        f"{api}/documents/{source['id']}/assign",
        {"assignee_id": user("chuyenvien.hatrung").pk, "instructions": "Trả lời"},
        leader,
    )
    assert r.status_code == 200 and r.json()["status"] == "assigned" and r.json()["deadline"]
    r = _post(
        client,
        f"{api}/documents/outgoing",
        {**TEMPLATE_FIELDS, "recipient_communes": [15274]},
        specialist,
    )
    assert r.status_code == 201, r.content
    draft = r.json()
    assert draft["code"] == "UBND-VP" and draft["number"] is None
    # Not yet submitted: the leader cannot approve (409).
    r = _post(client, f"{api}/documents/{draft['id']}/review", {"decision": "approve"}, leader)
    assert r.status_code == 409 and r.json()["type"] == "/problems/illegal-transition"
    r = _post(
        client,
        f"{api}/documents/{draft['id']}/revise",
        {"body": "Nội dung sửa lần hai.", "note": "v2"},
        specialist,
    )
    assert r.status_code == 200 and r.json()["status"] == "draft"
    assert Document.objects.get(pk=draft["id"]).files.count() == 2
    assert _post(client, f"{api}/documents/{draft['id']}/submit", {}, specialist).status_code == 200
    r = _post(client, f"{api}/documents/{draft['id']}/review", {"decision": "approve"}, leader)
    assert r.json()["status"] == "approved"
    retry = {**clerk, "HTTP_IDEMPOTENCY_KEY": "cap-so-1"}
    r = _post(client, f"{api}/documents/{draft['id']}/number", {}, retry)
    again = _post(client, f"{api}/documents/{draft['id']}/number", {}, retry)
    assert r.json()["symbol"] == again.json()["symbol"] == "01/UBND-VP"
    r = _post(client, f"{api}/documents/{draft['id']}/sign", {"secret": "sai"}, leader)
    assert r.status_code in (400, 422) and r["Content-Type"] == "application/problem+json"
    r = _post(client, f"{api}/documents/{draft['id']}/sign", {"secret": DEMO_PASSPHRASE}, leader)
    assert r.status_code == 200 and r.json()["signatures"] == 1
    r = _post(client, f"{api}/documents/{draft['id']}/issue", {"secret": DEMO_PASSPHRASE}, clerk)
    assert r.json()["status"] == "issued" and r.json()["signatures"] == 2
    pdf = client.get(f"{api}/documents/{draft['id']}/pdf", **clerk)
    assert pdf["Content-Type"] == "application/pdf"
    assert [x.verdict for x in verify_pdf(pdf.content)] == ["valid", "valid"]
    r = _post(
        client, f"{api}/documents/{source['id']}/outcome", {"reply_id": draft["id"]}, specialist
    )
    assert r.json()["status"] == "handled" and r.json()["reply_id"] == draft["id"]
    listed = client.get(f"{api}/documents/outgoing?status=issued", **clerk).json()
    assert listed["count"] == 1 and listed["items"][0]["symbol"] == "01/UBND-VP"
    incoming_b = client.get(
        "/api/v1/communes/15274/documents/incoming", **bearer("quantri.xakhac")
    ).json()
    assert incoming_b["items"][0]["source"] == "platform"


def test_the_figures_are_for_officials_and_the_province(client, api, bearer, incoming):
    incoming()
    r = client.get(f"{api}/document-stats?from=2020-01-01&to=2100-12-31", **bearer("cds.thanhhoa"))
    assert r.status_code == 200 and r.json()["incoming"] == 1
    assert r.json()["commune"] == "15271"
    assert client.get(f"{api}/document-stats").status_code == 401
    r = client.get(
        f"{api}/document-stats?from=2026-02-01&to=2026-01-01", **bearer("quantri.hatrung")
    )
    assert r.status_code == 422


def test_list_filters_and_confidential_documents(client, api, bearer, incoming):
    incoming(summary="Về việc đẩy mạnh chuyển đổi số")
    incoming(summary="Tuyển quân", confidentiality="mat")
    admin = client.get(f"{api}/documents/incoming", **bearer("quantri.hatrung")).json()
    assert admin["count"] == 1
    leader = client.get(f"{api}/documents/incoming?q=day manh", **bearer("chutich.hatrung")).json()
    assert leader["count"] == 1 and leader["items"][0]["summary"].startswith("Về việc đẩy mạnh")
    secret = Document.objects.get(confidentiality="mat")
    r = client.get(f"{api}/documents/{secret.pk}", **bearer("quantri.hatrung"))
    assert r.status_code == 404


def test_the_lists_take_the_same_queries_for_any_number_of_documents(client, api, bearer, incoming):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    headers = bearer("chutich.hatrung")
    incoming()
    client.get(f"{api}/documents/incoming", **headers)  # warm the caches
    with CaptureQueriesContext(connection) as few:
        assert client.get(f"{api}/documents/incoming", **headers).json()["count"] == 1
    for _ in range(4):
        incoming()
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"{api}/documents/incoming", **headers).json()["count"] == 5
    assert len(many) == len(few)


def test_a_draft_uploaded_as_pdf_and_the_audited_read(client, api, bearer):
    from xaso.audit.models import AuditEvent

    headers = bearer("chuyenvien.hatrung")
    r = client.post(
        f"{api}/documents/outgoing/upload",
        {
            "file": SimpleUploadedFile("bc.pdf", make_pdf("Báo cáo"), "application/pdf"),
            "doc_type": "BC",
            "summary": "Báo cáo kết quả chuyển đổi số",
            "signer_name": "Lê Văn Hùng",
        },
        **headers,
    )
    assert r.status_code == 201, r.json()
    assert r.json()["source"] == "upload" and r.json()["code"] == "BC-UBND"
    doc_id = r.json()["id"]
    assert client.get(f"{api}/documents/{doc_id}", **headers).status_code == 200
    read = AuditEvent.objects.filter(action="personal_data.read", object_id=str(doc_id))
    assert read.count() == 1 and read.get().actor.username == "chuyenvien.hatrung"
    bad = client.post(
        f"{api}/documents/outgoing/upload",
        {
            "file": SimpleUploadedFile("x.pdf", make_pdf(), "application/pdf"),
            "summary": "x",
            "doc_type": "XYZ",
        },
        **headers,
    )
    assert bad.status_code == 422


def test_the_reminder_task_runs_the_same_reminders(incoming, leader, specialist):
    from xaso.documents.tasks import document_reminders_task

    services_result = document_reminders_task.call()
    assert services_result == {"soon": 0, "overdue": 0}


def test_only_the_file_author_and_summary_are_required(client, api, bearer):
    data = _upload()
    del data["symbol"], data["document_date"]
    r = client.post(f"{api}/documents/incoming", data, **bearer("vanthu.hatrung"))
    assert r.status_code == 201 and r.json()["symbol"] == "" and r.json()["document_date"] is None
    del data["author"]
    r = client.post(f"{api}/documents/incoming", data, **bearer("vanthu.hatrung"))
    assert r.status_code == 422
