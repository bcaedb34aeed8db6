"""The tenant rule, checked generically over every route.

Every API operation and every page whose path names a commune is called by an
official of commune B with commune A's code (and A's object ids): the answer
must be 401/403/404, never A's data. New domains get this test for free as soon
as their routes are mounted.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from xaso.accounts.models import CitizenProfile

# Officials of commune B with the widest rights there.
B_OFFICIALS = ["quantri.xakhac", "motcua.xakhac"]
PUBLIC_PATHS = {"/communes/{code}"}  # the public card of a commune


def api_operations():
    from xaso.api import api

    schema = api.get_openapi_schema()
    for path, ops in schema["paths"].items():
        if "{code}" not in path or path.removeprefix("/api/v1") in PUBLIC_PATHS:
            continue
        for method in ops:
            yield method.upper(), path


def page_routes():
    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                yield prefix + str(p.pattern), p.name

    for route, _name in walk(get_resolver().url_patterns):
        if route.startswith("x/<str:code>/") and route != "x/<str:code>/":
            yield "/" + route


def fill(path: str, commune, profile) -> str:
    path = path.replace("{code}", commune.code_str).replace("<str:code>", commune.code_str)
    return re.sub(r"\{[a-z_]+_id\}|<int:[a-z_]+>", str(profile.pk), path)


@pytest.fixture
def a_profile(commune_a):
    return CitizenProfile.objects.filter(commune=commune_a).first()


@pytest.mark.parametrize("username", B_OFFICIALS)
def test_api_of_commune_b_cannot_reach_commune_a(client, bearer, commune_a, a_profile, username):
    ops = list(api_operations())
    assert len(ops) >= 4, "the sweep found no tenant-scoped API operation"
    headers = bearer(username)
    for method, path in ops:
        url = fill(path, commune_a, a_profile)
        r = client.generic(method, url, **headers)
        assert r.status_code in (403, 404), f"{method} {url} → {r.status_code}"
        assert r["Content-Type"] == "application/problem+json"


def test_api_of_commune_a_is_open_to_its_admin(client, bearer, commune_a, a_profile):
    headers = bearer("quantri.hatrung")
    for method, path in api_operations():
        if method != "GET":
            continue
        r = client.get(fill(path, commune_a, a_profile), **headers)
        assert r.status_code == 200, path


def test_anonymous_callers_get_401(client, commune_a, a_profile):
    for method, path in api_operations():
        r = client.generic(method, fill(path, commune_a, a_profile))
        assert r.status_code == 401, path


@pytest.mark.parametrize("username", B_OFFICIALS)
def test_pages_of_commune_b_cannot_reach_commune_a(login_as, commune_a, a_profile, username):
    routes = list(page_routes())
    assert len(routes) >= 3
    c = login_as(username)
    for route in routes:
        url = fill(route, commune_a, a_profile)
        r = c.get(url)
        assert r.status_code in (403, 404), f"{url} → {r.status_code}"
        assert a_profile.full_name not in r.content.decode()


def test_province_officer_reads_communes_of_the_province_only(client, bearer, commune_a, commune_b):
    headers = bearer("cds.thanhhoa")
    assert (
        client.get(f"/api/v1/communes/{commune_a.code_str}/audit-events", **headers).status_code
        == 200
    )
    assert (
        client.get(f"/api/v1/communes/{commune_b.code_str}/audit-events", **headers).status_code
        == 200
    )
    # … but not personal data, and not another province.
    assert (
        client.get(f"/api/v1/communes/{commune_a.code_str}/citizens", **headers).status_code == 403
    )
    assert client.get("/api/v1/communes/00070/audit-events", **headers).status_code == 403


def test_citizens_are_not_officials(client, commune_a):
    from django.test import Client

    from xaso.accounts.models import User

    c = Client()
    c.force_login(User.objects.get(phone="0912000001"))
    assert c.get(f"/x/{commune_a.code_str}/van-phong/").status_code == 403
    assert c.get(f"/api/v1/communes/{commune_a.code_str}/citizens").status_code == 403
