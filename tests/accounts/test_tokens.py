from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from xaso.accounts.models import ApiToken


def test_issue_token_prints_a_working_bearer_token(client, demo):
    out = StringIO()
    call_command("issue_token", "quantri.hatrung", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("xs_")
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert r.status_code == 200 and r.json()["username"] == "quantri.hatrung"
    assert not ApiToken.objects.filter(token_hash__contains=raw).exists()  # only the hash is kept


def test_tokens_are_listed_and_revoked(client, demo):
    out = StringIO()
    call_command("issue_token", "quantri.hatrung", "--name", "ioc", stdout=out)
    raw = out.getvalue().strip()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = client.get("/api/v1/tokens", **headers).json()["items"]
    assert [t["name"] for t in listed] == ["ioc"]
    assert client.delete(f"/api/v1/tokens/{listed[0]['id']}", **headers).status_code == 204
    assert client.get("/api/v1/me", **headers).status_code == 401


def test_cli_lists_and_revokes(demo):
    out = StringIO()
    call_command("issue_token", "quantri.hatrung", stdout=out)
    token = ApiToken.objects.get(user__username="quantri.hatrung")
    out = StringIO()
    call_command("issue_token", "quantri.hatrung", "--list", stdout=out)
    assert token.prefix in out.getvalue()
    call_command("issue_token", "quantri.hatrung", "--revoke", str(token.pk), stdout=StringIO())
    token.refresh_from_db()
    assert token.revoked_at is not None


@pytest.mark.django_db
def test_unknown_user(demo):
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody")


def test_a_bad_token_is_a_401_problem(client, demo):
    r = client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer xs_nope")
    assert r.status_code == 401
    assert r["Content-Type"] == "application/problem+json"


def test_token_page_creates_and_revokes(login_as, demo):
    c = login_as("quantri.hatrung")
    r = c.post("/tai-khoan/ma-truy-cap/", {"name": "bao cao"})
    assert "xs_" in r.content.decode()
    token = ApiToken.objects.get(user__username="quantri.hatrung")
    c.post("/tai-khoan/ma-truy-cap/", {"revoke": token.pk})
    token.refresh_from_db()
    assert token.revoked_at is not None
