import pytest

from xaso.accounts.sms import MemoryTransport
from xaso.workdays.models import CalendarOverride

pytestmark = pytest.mark.dates

URL = "/api/v1/auth/phone-code"


@pytest.fixture
def post(client, django_capture_on_commit_callbacks):
    def _post(body, key=None, **extra):
        if key is not None:
            extra["HTTP_IDEMPOTENCY_KEY"] = key
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(URL, body, content_type="application/json", **extra)

    return _post


@pytest.mark.django_db
def test_a_retried_request_is_answered_again_without_running_twice(post):
    first = post({"phone": "0987654321"}, key="k-1")
    again = post({"phone": "0987654321"}, key="k-1")
    assert first.status_code == again.status_code == 202
    assert again.content == first.content
    assert again["Idempotent-Replayed"] == "true"
    assert len(MemoryTransport.outbox) == 1  # one SMS, not two


@pytest.mark.django_db
def test_same_key_with_another_body_is_refused(post):
    post({"phone": "0987654321"}, key="k-2")
    r = post({"phone": "0987654322"}, key="k-2")
    assert r.status_code == 422
    assert r.json()["type"] == "/problems/idempotency-key-reused"


@pytest.mark.django_db
def test_an_expired_key_can_be_used_again(post):
    import datetime as dt

    from django.utils import timezone

    from xaso.core.middleware import KEEP_FOR
    from xaso.core.models import IdempotencyRecord

    post({"phone": "0987654321"}, key="k-old")
    IdempotencyRecord.objects.filter(key="k-old").update(
        created_at=timezone.now() - KEEP_FOR - dt.timedelta(minutes=1)
    )
    r = post({"phone": "0987654322"}, key="k-old")  # another body: no longer a reuse
    assert r.status_code == 202 and "Idempotent-Replayed" not in r
    assert IdempotencyRecord.objects.filter(key="k-old").count() == 1
    assert len(MemoryTransport.outbox) == 2


@pytest.mark.django_db
def test_without_a_key_the_request_runs_normally(post):
    assert post({"phone": "0987654321"}).status_code == 202
    assert post({"phone": "0987654321"}).status_code == 429  # the one-a-minute rule, not a replay


@pytest.mark.django_db
def test_keys_are_scoped_to_the_caller(post):
    post({"phone": "0987654321"}, key="shared", REMOTE_ADDR="10.0.0.1")
    r = post({"phone": "0987654322"}, key="shared", REMOTE_ADDR="10.0.0.2")
    assert r.status_code == 202 and "Idempotent-Replayed" not in r


@pytest.mark.django_db
def test_an_unusable_key_is_a_400(post):
    assert post({"phone": "0987654321"}, key="x" * 300).status_code == 400


def test_idempotent_put(client, demo, bearer):
    headers = {**bearer("admin"), "HTTP_IDEMPOTENCY_KEY": "put-1"}
    body = {"date": "2026-12-01", "kind": "day_off", "name": "Nghỉ bù"}
    url = "/api/v1/calendar/overrides/2026-12-01"
    for _ in range(3):
        r = client.put(url, body, content_type="application/json", **headers)
        assert r.status_code == 200
    assert CalendarOverride.objects.count() == 1


@pytest.mark.django_db
def test_the_same_json_written_differently_is_the_same_request(client):
    from xaso.accounts.models import PhoneCode

    key = {"HTTP_IDEMPOTENCY_KEY": "k-json"}
    first = client.post(URL, '{"phone": "0987654321"}', content_type="application/json", **key)
    again = client.post(URL, '{\n  "phone":"0987654321"\n}', content_type="application/json", **key)
    assert first.status_code == again.status_code == 202
    assert again["Idempotent-Replayed"] == "true"
    assert PhoneCode.objects.count() == 1


def test_the_fingerprint_is_what_the_request_means():
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import RequestFactory
    from django.test.client import encode_multipart

    from xaso.core.middleware import fingerprint

    rf = RequestFactory()

    def multipart(boundary, content=b"abc", **fields):
        data = {"b": "2", "a": "1", **fields, "f": SimpleUploadedFile("x.pdf", content)}
        return rf.post(
            "/api/v1/x?b=2&a=1",
            encode_multipart(boundary, data),
            content_type=f"multipart/form-data; boundary={boundary}",
        )

    one = multipart("AAA")
    assert fingerprint(one) == fingerprint(multipart("BBB"))
    assert one.FILES["f"].read() == b"abc"  # rewound for the view
    assert fingerprint(one) != fingerprint(multipart("AAA", content=b"abd"))
    assert fingerprint(one) != fingerprint(multipart("AAA", c="3"))
    swapped = rf.post("/api/v1/x?a=1&b=2", {"a": 1}, content_type="application/json")
    same = rf.post("/api/v1/x?b=2&a=1", {"a": 1}, content_type="application/json")
    assert fingerprint(swapped) == fingerprint(same)
    assert fingerprint(same) != fingerprint(
        rf.put("/api/v1/x?b=2&a=1", {"a": 1}, "application/json")
    )
    # Not JSON at all, or too deep to read: its bytes.
    broken = rf.post("/api/v1/x", "{not json", content_type="application/json")
    deep = rf.post("/api/v1/x", "[" * 100_000 + "]" * 100_000, content_type="application/json")
    assert fingerprint(broken) != fingerprint(deep)
