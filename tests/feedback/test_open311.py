"""Open311 GeoReport v2: every endpoint in JSON and XML, with the standard's errors."""

from __future__ import annotations

import datetime as dt
import json
from xml.etree import ElementTree as ET

import pytest
from django.test import Client
from django.utils import timezone

from tests.conftest import user
from tests.feedback.conftest import image_bytes
from xaso.feedback import services
from xaso.feedback.models import Report

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

BASE = "/open311/v2"
J = "jurisdiction_id=15271"


@pytest.fixture
def api_key(commune_a):
    _key, raw = services.issue_open311_key(user("quantri.hatrung"), commune_a, "Ứng dụng thử")
    return raw


def body(response, fmt="json"):
    if fmt == "json":
        assert response["Content-Type"].startswith("application/json")
        return json.loads(response.content)
    assert response["Content-Type"].startswith("text/xml")
    return ET.fromstring(response.content)  # noqa: S314  (our own answer)


def assert_error(response, status, fmt="json"):
    assert response.status_code == status, response.content
    data = body(response, fmt)
    if fmt == "json":
        assert isinstance(data, list) and data[0]["code"] == status
        assert data[0]["description"]
    else:
        assert data.tag == "errors"
        assert data.find("error/code").text == str(status)
        assert data.find("error/description").text


# --- discovery, services -----------------------------------------------------------


def test_discovery_in_json_and_xml(client):
    data = body(client.get(f"{BASE}/discovery.json"))
    assert data["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    xml = body(client.get(f"{BASE}/discovery.xml"), "xml")
    assert xml.tag == "discovery"
    assert [f.text for f in xml.findall("endpoints/endpoint/formats/format")] == [
        "text/xml",
        "application/json",
    ]


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_services_lists_the_categories_of_the_commune(client, category, other_category, fmt):
    data = body(client.get(f"{BASE}/services.{fmt}?{J}"), fmt)
    if fmt == "json":
        assert [s["service_code"] for s in data] == ["duong-giao-thong"]
        assert data[0]["metadata"] is True and data[0]["type"] == "realtime"
    else:
        assert data.tag == "services"
        assert data.find("service/service_code").text == "duong-giao-thong"
        assert data.find("service/metadata").text == "true"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_service_definition_lists_its_attributes(client, category, fmt):
    data = body(client.get(f"{BASE}/services/duong-giao-thong.{fmt}?{J}"), fmt)
    if fmt == "json":
        attribute = data["attributes"][0]
        assert attribute["code"] == "muc-do" and attribute["required"] is True
        assert attribute["values"] == [
            {"key": "thap", "name": "Thấp"},
            {"key": "cao", "name": "Cao"},
        ]
    else:
        assert data.tag == "service_definition"
        assert data.find("attributes/attribute/values/value/key").text == "thap"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_an_unknown_service_code_is_a_404(client, category, fmt):
    assert_error(client.get(f"{BASE}/services/khong-co.{fmt}?{J}"), 404, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_jurisdiction_is_required_and_must_exist(client, demo, fmt):
    assert_error(client.get(f"{BASE}/services.{fmt}"), 400, fmt)
    assert_error(client.get(f"{BASE}/services.{fmt}?jurisdiction_id=99999"), 404, fmt)
    assert_error(client.get(f"{BASE}/requests.{fmt}?jurisdiction_id=abc"), 404, fmt)


def test_an_unknown_path_answers_an_open311_404(client):
    assert_error(client.get(f"{BASE}/nothing.json"), 404)
    assert_error(client.get(f"{BASE}/services.csv?{J}"), 404)


# --- GET requests --------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_requests_show_standard_fields_and_no_identity(client, make_report, fmt):
    report = make_report(contact_name="Nguyễn Văn An", photos=[image_bytes(exif_gps=True)])
    response = client.get(f"{BASE}/requests.{fmt}?{J}")
    assert response.status_code == 200
    assert b"0912000001" not in response.content
    assert "Nguyễn Văn An".encode() not in response.content
    data = body(response, fmt)
    if fmt == "json":
        (item,) = data
        assert item["service_request_id"] == str(report.pk)
        assert item["status"] == "open"
        assert item["service_code"] == "duong-giao-thong"
        assert item["expected_datetime"].endswith("+07:00")
        assert item["lat"] == pytest.approx(20.018) and item["long"] == pytest.approx(105.835)
        assert item["media_url"].startswith("http") and "/phan-anh/anh/" in item["media_url"]
        for field in (
            "status_notes",
            "service_name",
            "description",
            "agency_responsible",
            "service_notice",
            "requested_datetime",
            "updated_datetime",
            "address",
        ):
            assert field in item
    else:
        assert data.tag == "service_requests"
        assert data.find("request/service_request_id").text == str(report.pk)
        assert data.find("request/expected_datetime").text


def test_the_media_url_serves_the_copy_without_metadata(client, make_report):
    from io import BytesIO

    from PIL import Image

    make_report(photos=[image_bytes(exif_gps=True)])
    url = body(client.get(f"{BASE}/requests.json?{J}"))[0]["media_url"]
    response = client.get(url.split("127.0.0.1:8000", 1)[-1])
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(BytesIO(b"".join(response.streaming_content)))
    assert not image.getexif()


def test_requests_use_the_moderated_text_and_skip_hidden_reports(client, make_report):
    shown = make_report(description="Ổ gà trước nhà ông Nguyễn Văn B, số 12")
    hidden = make_report(description="Lời lẽ xúc phạm")
    officer = user("motcua.hatrung")
    services.moderate(officer, shown, hidden=False, public_description="Ổ gà trên đường")
    services.moderate(officer, hidden, hidden=True)
    data = body(client.get(f"{BASE}/requests.json?{J}"))
    assert [(i["service_request_id"], i["description"]) for i in data] == [
        (str(shown.pk), "Ổ gà trên đường")
    ]
    assert_error(client.get(f"{BASE}/requests/{hidden.pk}.json?{J}"), 404)


def test_requests_filter_by_id_service_dates_and_status(client, make_report, commune_a):
    from xaso.feedback.services import save_category

    lights = save_category(user("quantri.hatrung"), commune_a, code="den", name="Đèn")
    a = make_report()
    b = make_report(category=lights)
    c = make_report()
    services.resolve(
        user("motcua.hatrung"), services.accept(user("motcua.hatrung"), c), answer="Xong"
    )
    old = make_report(now=timezone.now() - dt.timedelta(days=200))

    def ids(query):
        return {
            i["service_request_id"] for i in body(client.get(f"{BASE}/requests.json?{J}&{query}"))
        }

    assert ids("") == {str(a.pk), str(b.pk), str(c.pk)}  # the last 90 days by default
    assert ids(f"service_request_id={a.pk},{old.pk}") == {str(a.pk), str(old.pk)}
    assert ids("service_code=den") == {str(b.pk)}
    assert ids("status=closed") == {str(c.pk)}
    assert ids("status=open") == {str(a.pk), str(b.pk)}
    assert ids("status=open,closed") == {str(a.pk), str(b.pk), str(c.pk)}
    start = (timezone.now() - dt.timedelta(days=210)).date().isoformat()
    end = (timezone.now() - dt.timedelta(days=190)).date().isoformat()
    assert ids(f"start_date={start}&end_date={end}") == {str(old.pk)}
    # W3C date-times with an offset, even when "+" arrives unencoded as a space.
    moment = timezone.localtime(old.received_at).isoformat(timespec="seconds")
    assert ids(f"start_date={moment.replace('+', '%2B')}&end_date={end}") == {str(old.pk)}
    assert ids(f"start_date={moment}&end_date={end}") == {str(old.pk)}


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize(
    "query",
    [
        "start_date=yesterday",
        "end_date=2026-13-45",
        "start_date=2026-05-01&end_date=2026-04-01",  # start after end
        "start_date=2026-01-01&end_date=2026-06-01",  # more than 90 days
        "status=pending",
    ],
)
def test_bad_dates_and_statuses_are_400(client, demo, query, fmt):
    assert_error(client.get(f"{BASE}/requests.{fmt}?{J}&{query}"), 400, fmt)


def test_requests_return_at_most_1000(client, make_report, monkeypatch):
    from xaso.feedback import open311

    monkeypatch.setattr(open311, "MAX_RESULTS", 2)
    for _ in range(3):
        make_report()
    assert len(body(client.get(f"{BASE}/requests.json?{J}"))) == 2


def test_requests_list_takes_a_fixed_number_of_queries(
    client, make_report, django_assert_num_queries, settings
):
    settings.OPEN311_CACHE_SECONDS = 0
    for _ in range(5):
        make_report(photos=[image_bytes()])
    from django.db import connection

    # commune, then reports and photos (PostgreSQL: one query builds the JSON)
    with django_assert_num_queries(2 if connection.vendor == "postgresql" else 3):
        assert len(body(client.get(f"{BASE}/requests.json?{J}"))) == 5


# --- requests/<id>, tokens/<id> ------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_one_request_by_id(client, report, fmt):
    data = body(client.get(f"{BASE}/requests/{report.pk}.{fmt}?{J}"), fmt)
    if fmt == "json":
        assert data[0]["service_request_id"] == str(report.pk)
    else:
        assert data.find("request/service_request_id").text == str(report.pk)
    assert_error(client.get(f"{BASE}/requests/{report.pk + 999}.{fmt}?{J}"), 404, fmt)
    assert_error(client.get(f"{BASE}/requests/abc.{fmt}?{J}"), 404, fmt)
    # Another commune's jurisdiction does not see it.
    assert_error(client.get(f"{BASE}/requests/{report.pk}.{fmt}?jurisdiction_id=15274"), 404, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_token_gives_the_request_id(client, report, fmt):
    data = body(client.get(f"{BASE}/tokens/{report.token}.{fmt}?{J}"), fmt)
    if fmt == "json":
        assert data == [{"service_request_id": str(report.pk), "token": report.token}]
    else:
        assert data.find("request/service_request_id").text == str(report.pk)
    assert_error(client.get(f"{BASE}/tokens/nope.{fmt}?{J}"), 404, fmt)


# --- POST requests ---------------------------------------------------------------------


def post(fmt="json", **data):
    # A third-party client: no session, no CSRF token.
    return Client(enforce_csrf_checks=True).post(f"{BASE}/requests.{fmt}", data)


def valid(api_key, **extra):
    return {
        "jurisdiction_id": "15271",
        "api_key": api_key,
        "service_code": "duong-giao-thong",
        "lat": "20.0181",
        "long": "105.8352",
        "description": "Ổ gà",
        "attribute[muc-do]": "cao",
        "first_name": "Văn",
        "last_name": "An",
        "phone": "0912345678",
        "email": "an@example.com",
        **extra,
    }


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_client_app_posts_a_request(category, api_key, fmt, django_capture_on_commit_callbacks):
    from xaso.accounts.sms import MemoryTransport

    with django_capture_on_commit_callbacks(execute=True):
        response = post(fmt, **valid(api_key))
    assert response.status_code == 200, response.content
    data = body(response, fmt)
    if fmt == "json":
        request_id = data[0]["service_request_id"]
        assert data[0]["token"] and "account_id" in data[0]
        assert data[0]["service_notice"]
    else:
        request_id = data.find("request/service_request_id").text
    report = Report.objects.get(pk=int(request_id))
    assert report.source == "open311:Ứng dụng thử"
    assert report.contact_phone == "0912345678" and report.contact_name == "Văn An"
    assert report.hide_identity is True
    assert report.expected_at is not None
    assert MemoryTransport.outbox[-1].to == "0912345678"


def test_a_posted_request_with_an_address_only_is_accepted(category, api_key):
    response = post(**valid(api_key, lat="", long="", address_string="Chợ Hà Trung"))
    assert response.status_code == 200


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_or_bad_api_key_is_403(category, api_key, commune_b, fmt):
    assert_error(post(fmt, **valid("")), 403, fmt)
    assert_error(post(fmt, **valid("o311_wrong")), 403, fmt)
    # A key of another commune does not open this one.
    _k, other = services.issue_open311_key(user("quantri.xakhac"), commune_b, "B")
    assert_error(post(fmt, **valid(other)), 403, fmt)
    key = services.key_for(api_key, category.commune)
    services.revoke_open311_key(user("quantri.hatrung"), key)
    assert_error(post(fmt, **valid(api_key)), 403, fmt)
    assert not Report.objects.exists()


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_posting_to_an_unknown_service_code_is_404_and_a_missing_one_400(category, api_key, fmt):
    assert_error(post(fmt, **valid(api_key, service_code="khong-co")), 404, fmt)
    assert_error(post(fmt, **valid(api_key, service_code="")), 400, fmt)


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_a_missing_location_is_400(category, api_key, fmt):
    assert_error(post(fmt, **valid(api_key, lat="", long="")), 400, fmt)
    assert_error(post(fmt, **valid(api_key, lat="20.1", long="")), 400, fmt)


@pytest.mark.parametrize(
    "extra",
    [
        {"attribute[muc-do]": ""},  # required
        {"attribute[muc-do]": "rat-cao"},  # not in the list
        {"attribute[khong-co]": "x"},  # not in the definition
        {"lat": "48.85", "long": "2.35"},  # outside Vietnam
        {"lat": "abc"},
        {"phone": "12345"},
        {"email": "not-an-email"},
    ],
)
def test_invalid_fields_are_400(category, api_key, extra):
    assert_error(post(**valid(api_key, **extra)), 400)
    assert not Report.objects.exists()


def test_a_posted_photo_is_checked_and_stripped(category, api_key):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = valid(api_key)
    data["media"] = SimpleUploadedFile("a.jpg", image_bytes(exif_gps=True), "image/jpeg")
    response = Client().post(f"{BASE}/requests.json", data)
    assert response.status_code == 200
    data = valid(api_key)
    data["media"] = SimpleUploadedFile("a.jpg", b"not an image", "image/jpeg")
    assert_error(Client().post(f"{BASE}/requests.json", data), 400)


def test_put_is_not_allowed(client, demo):
    assert client.put(f"{BASE}/requests.json?{J}").status_code == 405


def test_a_cached_list_is_retired_by_any_change(client, make_report):
    first = make_report()
    url = f"{BASE}/requests.json?{J}"
    assert len(body(client.get(url))) == 1
    second = make_report()
    assert len(body(client.get(url))) == 2
    services.moderate(user("motcua.hatrung"), second, hidden=False, public_description="Sửa")
    assert {i["description"] for i in body(client.get(url))} == {"Sửa", first.description}
    Report.objects.filter(pk=first.pk).update(description="changed behind the cache")
    assert "changed behind the cache" not in client.get(url).content.decode()  # still cached


def test_postgresql_builds_the_same_list_as_python(make_report, commune_a):
    from django.db import connection

    from xaso.feedback import open311

    if connection.vendor != "postgresql":
        pytest.skip("the database-built list exists on PostgreSQL only")
    a = make_report(photos=[image_bytes()])
    b = make_report(lat=None, long=None, address_string="Chợ")
    officer = user("motcua.hatrung")
    services.reject(officer, b, reason="Không thuộc thẩm quyền")
    c = make_report()
    services.mark_duplicate(officer, c, original=a)
    services.moderate(officer, a, hidden=False, public_description="Bản công khai")
    qs = Report.objects.filter(commune=commune_a).order_by("-received_at", "-id")
    from_db = json.loads(open311._json_from_postgresql(qs, commune_a).content)
    from_python = open311.serialise_requests(list(qs.values(*open311.REQUEST_FIELDS)), commune_a)
    assert from_db == from_python


# --- Input that cannot be stored; retried reports ------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
@pytest.mark.parametrize("char", ["\x00", "\x18", "\x7f"])
def test_unstorable_input_is_answered_in_the_error_list_naming_the_field(
    category, api_key, fmt, char
):
    response = post(fmt, **valid(api_key, description=f"Ổ gà{char}"))
    assert_error(response, 400, fmt)
    text = response.content.decode()
    assert "description" in text and f"U+{ord(char):04X}" in text
    assert not Report.objects.exists()
    # In the query string too, on a read.
    r = Client().get(f"{BASE}/requests.{fmt}", {"jurisdiction_id": "15271", "service_code": char})
    assert_error(r, 400, fmt)
    assert "service_code" in r.content.decode()


def test_a_report_retried_with_its_idempotency_key_is_one_report(category, api_key):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.client import encode_multipart

    def send(boundary, address="1.2.3.4", **extra):
        data = {**valid(api_key, **extra), "media": SimpleUploadedFile("a.jpg", image_bytes())}
        return Client(REMOTE_ADDR=address).post(
            f"{BASE}/requests.json",
            encode_multipart(boundary, data),
            content_type=f"multipart/form-data; boundary={boundary}",
            HTTP_IDEMPOTENCY_KEY="report-1",
        )

    first = send("b-one")
    # The phone reconnected: another address, another multipart boundary.
    again = send("b-two", address="5.6.7.8")
    assert first.status_code == again.status_code == 200
    assert again["Idempotent-Replayed"] == "true"
    assert body(again) == body(first)
    assert Report.objects.count() == 1
    other = send("b-three", description="Một ổ gà khác")
    assert_error(other, 422)
    # Refusals are Open311 errors too; another application's key is another scope.
    _key, raw = services.issue_open311_key(user("quantri.hatrung"), category.commune, "Khác")
    r = Client().post(
        f"{BASE}/requests.json", valid(raw, description="Khác"), HTTP_IDEMPOTENCY_KEY="report-1"
    )
    assert r.status_code == 200 and Report.objects.count() == 2
    assert_error(
        Client().post(f"{BASE}/requests.xml", valid(raw), HTTP_IDEMPOTENCY_KEY="x" * 300),
        400,
        "xml",
    )


def test_a_refused_report_keeps_its_answer_for_the_retry(category, api_key):
    first = Client().post(
        f"{BASE}/requests.json", valid(api_key, lat="abc"), HTTP_IDEMPOTENCY_KEY="bad-1"
    )
    again = Client().post(
        f"{BASE}/requests.json", valid(api_key, lat="abc"), HTTP_IDEMPOTENCY_KEY="bad-1"
    )
    assert first.status_code == again.status_code == 400
    assert again["Idempotent-Replayed"] == "true"
