"""Free text no database can store (NUL, unpaired surrogates) is a 422, never a 500.

Found by the OpenAPI fuzz run on PostgreSQL, which refuses NUL in text columns,
in LIKE patterns and in JSON; an unpaired surrogate (a JSON "\\ud800" escape)
cannot be encoded for any database.
"""

from __future__ import annotations

import json

import pytest

ADMIN = "quantri.hatrung"
NUL = "ha\x00trung"


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/v1/provinces", {"q": NUL}),
        ("/api/v1/communes", {"q": NUL}),
        ("/api/v1/communes", {"q": NUL, "province": "38"}),
        ("/api/v1/communes/15271/citizens", {"q": NUL}),
        ("/api/v1/communes/15271/audit-events", {"action": NUL}),
        ("/api/v1/communes/15271/audit-events", {"actor": NUL}),
        ("/api/v1/communes/15271/audit-events", {"object_type": NUL}),
        ("/api/v1/communes/15271/audit-events", {"object_id": NUL}),
    ],
)
def test_nul_in_a_query_parameter_is_a_validation_problem(demo, client, bearer, path, params):
    response = client.get(path, params, **bearer(ADMIN))

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["type"].endswith("/validation-error")
    assert [e["field"] for e in body["errors"]] == list(params)[:1]


@pytest.mark.parametrize("name", ["Nghỉ\x00bù", "Nghỉ bù \ud800"])
def test_unstorable_override_name_is_a_validation_problem(demo, client, bearer, name):
    payload = json.dumps({"date": "2030-01-02", "kind": "day_off", "name": name})

    response = client.put(
        "/api/v1/calendar/overrides/2030-01-02",
        payload,
        content_type="application/json",
        **bearer("admin"),
    )

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["name"]


def test_ordinary_vietnamese_text_still_searches(demo, client):
    response = client.get("/api/v1/communes", {"q": "hà trung"})

    assert response.status_code == 200
    assert "15271" in [c["code"] for c in response.json()["items"]]
