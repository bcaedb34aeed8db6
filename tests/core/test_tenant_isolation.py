"""The tenant rule, checked generically over every route.

Every API operation and every page whose path names a commune is called by an
official of commune B with commune A's code (and A's object ids): the answer
must be 401/403/404, never A's data. New domains get this test for free as soon
as their routes are mounted.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from xaso.accounts.models import CitizenProfile

# Officials of commune B with the widest rights there.
B_OFFICIALS = ["quantri.xakhac", "motcua.xakhac"]
PUBLIC_PATHS = {"/communes/{code}"}  # the public card of a commune
# population: statistics aggregated per village and age group, no personal data
PUBLIC_PATHS |= {"/communes/{code}/population-stats"}
# Public pages of a commune, open to everyone by design (they show no personal data).
PUBLIC_PAGES = {
    "x/<str:code>/",  # the commune's home page
    # feedback: the public list and map, the report form, a report's public page
    "x/<str:code>/phan-anh/",
    "x/<str:code>/phan-anh/gui/",
    "x/<str:code>/phan-anh/<int:report_id>/",
}


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
        if route.startswith("x/<str:code>/") and route not in PUBLIC_PAGES:
            yield "/" + route


# Ids of commune A's objects by path parameter, for parameters that do not name a
# citizen profile (filled by the a_profile fixture); anything else gets the profile's id.
SAMPLE_IDS: dict[str, int] = {}


def fill(path: str, commune, profile) -> str:
    path = path.replace("{code}", commune.code_str).replace("<str:code>", commune.code_str)
    return re.sub(
        r"\{([a-z_]+_id)\}|<int:([a-z_]+)>",
        lambda m: str(SAMPLE_IDS.get(m.group(1) or m.group(2), profile.pk)),
        path,
    )


def _population_samples(commune) -> dict[str, int]:
    from xaso.population.demo import seed
    from xaso.population.models import Household, ImportJob, Person

    seed(now=timezone.now())
    return {
        "person_id": Person.objects.filter(commune=commune).first().pk,
        "household_id": Household.objects.filter(commune=commune).first().pk,
        "job_id": ImportJob.objects.filter(commune=commune).first().pk,
    }


def _feedback_samples(commune) -> dict[str, int]:
    from xaso.feedback.demo import seed
    from xaso.feedback.models import Photo, Report

    seed(now=timezone.now())
    samples = {"report_id": Report.objects.filter(commune=commune).first().pk}
    photo = Photo.objects.filter(report__commune=commune).first()
    if photo is not None:
        samples["photo_id"] = photo.pk
    return samples


def _domain_modules():
    """Each domain may ship ``tests/<domain>/tenant_samples.py`` with ``samples(commune)``
    (ids of commune A's objects by path parameter) and optional ``PUBLIC_PATHS`` /
    ``PUBLIC_PAGES`` — so a new domain joins the sweep without editing this file."""
    import importlib
    import pkgutil

    import tests

    for info in pkgutil.iter_modules(tests.__path__):
        try:
            yield importlib.import_module(f"tests.{info.name}.tenant_samples")
        except ModuleNotFoundError:
            continue


for _module in _domain_modules():
    PUBLIC_PATHS |= set(getattr(_module, "PUBLIC_PATHS", ()))
    PUBLIC_PAGES |= set(getattr(_module, "PUBLIC_PAGES", ()))


@pytest.fixture
def a_profile(commune_a):
    SAMPLE_IDS.clear()
    SAMPLE_IDS.update(_population_samples(commune_a))
    SAMPLE_IDS.update(_feedback_samples(commune_a))
    for module in _domain_modules():
        SAMPLE_IDS.update(module.samples(commune_a))
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
