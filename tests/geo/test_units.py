import pytest

from xaso.geo.models import Commune, LegacyName, Province
from xaso.geo.selectors import search_communes


@pytest.mark.django_db
def test_all_34_provinces_and_3321_communes_are_loaded(units):
    assert Province.objects.count() == 34
    assert Commune.objects.count() == 3321
    kinds = dict(
        Commune.objects.values_list("division_type").annotate(
            n=__import__("django").db.models.Count("id")
        )
    )
    assert kinds == {"xã": 2621, "phường": 687, "đặc khu": 13}


@pytest.mark.django_db
def test_loading_again_changes_nothing(units):
    from xaso.geo.services import load_units

    ids = set(Commune.objects.values_list("id", flat=True))
    load_units(force=True)
    assert set(Commune.objects.values_list("id", flat=True)) == ids


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["ha trung", "HÀ TRUNG", "Hà Trung", "xa ha trung", "15271"])
def test_search_ignores_accents_and_case(units, query):
    assert "Xã Hà Trung" in [c.name for c in search_communes(query)]


@pytest.mark.django_db
def test_search_matches_word_starts_not_inner_letters(units):
    names = [c.name for c in search_communes("ha son")]
    assert "Xã Kha Sơn" not in names


@pytest.mark.django_db
def test_province_names_find_their_communes(units):
    communes = search_communes("thanh hoa")
    assert (
        communes.filter(province__code=38).count()
        == Commune.objects.filter(province__code=38).count()
    )


@pytest.mark.django_db
def test_legacy_names_resolve_to_todays_unit(units):
    # Bắc Giang's code (24) is today's Bắc Ninh; the old town of Hà Trung is in today's Xã Hà Trung.
    assert LegacyName.objects.filter(name="Tỉnh Bắc Giang", province__code=24).exists()
    # Thị trấn Hà Trung was split: Xã Hà Trung is its main successor, Xã Hoạt Giang got a part.
    names = [c.name for c in search_communes("thi tran ha trung")]
    assert names == ["Xã Hà Trung", "Xã Hoạt Giang"]


def test_commune_api(client, demo):
    r = client.get("/api/v1/communes/15271")
    body = r.json()
    assert body["name"] == "Xã Hà Trung" and body["province_code"] == "38"
    assert {"name": "Lê Văn Hùng", "title": "Chủ tịch UBND xã"} in body["leaders"]
    assert client.get("/api/v1/communes/15271").json() == body  # cached copy is identical
    assert client.get("/api/v1/communes/70").json()["code"] == "00070"


@pytest.mark.django_db
@pytest.mark.parametrize("bad", ["abc", "123456", "-1", "99999", "1%27"])
def test_unknown_or_malformed_codes_are_404_problems(client, units, bad):
    r = client.get(f"/api/v1/communes/{bad}")
    assert r.status_code == 404 and r["Content-Type"] == "application/problem+json"


@pytest.mark.django_db
def test_communes_of_a_province_paginated(client, units):
    r = client.get("/api/v1/communes", {"province": "38", "page_size": 10})
    body = r.json()
    assert body["count"] == Commune.objects.filter(province__code=38).count()
    assert len(body["items"]) == 10
    assert client.get("/api/v1/communes", {"province": "99"}).status_code == 404
    assert client.get("/api/v1/communes", {"province": "x"}).status_code == 404
    assert client.get("/api/v1/communes", {"page": 0}).status_code == 422


@pytest.mark.django_db
def test_list_endpoint_query_count_is_constant(client, units, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        client.get("/api/v1/communes", {"q": "thanh hoa", "page_size": 200})
