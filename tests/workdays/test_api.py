import pytest

pytestmark = pytest.mark.dates

URL = "/api/v1/calendar/due-date"


@pytest.mark.django_db
def test_due_date_answers_in_vietnam_time(client):
    r = client.get(URL, {"received_at": "2026-11-20T15:30:00+07:00", "working_days": 1})
    assert r.status_code == 200
    body = r.json()
    assert body["effective_received_at"] == "2026-11-23T07:30:00+07:00"
    assert body["due_at"] == "2026-11-25T17:00:00+07:00"


@pytest.mark.django_db
def test_naive_time_is_read_as_vietnam_time(client):
    r = client.get(URL, {"received_at": "2026-11-23T09:00:00", "working_days": 2})
    assert r.json()["effective_received_at"] == "2026-11-23T09:00:00+07:00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"received_at": "not-a-date", "working_days": 1},
        {"received_at": "2026-11-23T09:00:00", "working_days": -1},
        {"received_at": "2026-11-23T09:00:00", "working_days": 99999},
        {"received_at": "2026-11-23T09:00:00"},
        {"received_at": "1700-01-01T09:00:00", "working_days": 1},
        {"received_at": "2026-11-23T09:00:00", "working_days": 1, "channel": "fax"},
    ],
)
def test_bad_input_is_a_problem_not_a_crash(client, params):
    r = client.get(URL, params)
    assert r.status_code == 422
    assert r["Content-Type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == 422 and body["detail"] and body["detail_en"]


@pytest.mark.django_db
def test_holidays_of_a_year(client):
    r = client.get("/api/v1/calendar/holidays", {"year": 2026})
    dates = {row["date"] for row in r.json()}
    assert {"2026-01-01", "2026-02-17", "2026-04-30", "2026-09-02", "2026-11-24"} <= dates


@pytest.mark.django_db
def test_working_days_between(client):
    r = client.get("/api/v1/calendar/working-days", {"start": "2026-11-20", "end": "2026-11-27"})
    assert r.json()["working_days"] == 4


def test_overrides_need_an_administrator(demo, client, bearer):
    body = {"date": "2026-12-01", "kind": "day_off", "name": "Nghỉ bù"}
    r = client.put("/api/v1/calendar/overrides/2026-12-01", body, content_type="application/json")
    assert r.status_code == 401
    r = client.put(
        "/api/v1/calendar/overrides/2026-12-01",
        body,
        content_type="application/json",
        **bearer("quantri.hatrung"),
    )
    assert r.status_code == 403
    r = client.put(
        "/api/v1/calendar/overrides/2026-12-01",
        body,
        content_type="application/json",
        **bearer("admin"),
    )
    assert r.status_code == 200
    r = client.get(URL, {"received_at": "2026-11-30T09:00:00", "working_days": 1})
    assert r.json()["due_at"].startswith("2026-12-02")
    r = client.delete("/api/v1/calendar/overrides/2026-12-01", **bearer("admin"))
    assert r.status_code == 204
