import pytest
from django.test import override_settings


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_unknown_api_route_is_problem_json(client):
    r = client.get("/api/v1/no-such-thing")
    assert r.status_code == 404
    assert r["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_problem_has_vietnamese_and_english(client):
    r = client.get("/api/v1/communes/99999")
    body = r.json()
    assert body["status"] == 404
    assert body["detail"] == "Không có xã/phường mã 99999."
    assert body["detail_en"].startswith("There is no commune") and "99999" in body["detail_en"]
    assert body["title_en"] == "Not found"
    assert body["instance"] == "/api/v1/communes/99999"


@pytest.mark.django_db
def test_healthz_reports_the_database(client):
    r = client.get("/healthz")
    assert r.status_code == 200
    assert r.json()["database"] == "ok"


@pytest.mark.django_db
def test_openapi_and_docs_are_served(client):
    r = client.get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    assert "/api/v1/calendar/due-date" in paths and "/api/v1/communes/{code}" in paths
    assert client.get("/api/v1/docs").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/tim-xa/?q=a%00b", "/x/15271/van-phong/cong-dan/?q=a%00b"])
def test_unstorable_text_in_a_page_query_is_a_400(client, url):
    assert client.get(url).status_code == 400


@pytest.mark.django_db
def test_unstorable_text_in_an_api_query_is_a_problem(client):
    r = client.get("/api/v1/communes", {"q": "a\x00b"})
    assert r.status_code == 422 and r["Content-Type"] == "application/problem+json"
