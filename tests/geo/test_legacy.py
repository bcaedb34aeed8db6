"""Every pre-July-2025 commune leads to today's: the shipped mapping and its search."""

import collections
import json
from pathlib import Path

import pytest
import vietnam_provinces

from xaso.core.text import fold
from xaso.geo.models import Commune, LegacyName
from xaso.geo.services import LEGACY_SOURCE, legacy_data, load_units

TODAY = {
    w["code"]: (w["name"], p["code"])
    for p in json.loads(Path(vietnam_provinces.NESTED_DIVISIONS_JSON_PATH).read_text("utf-8"))
    for w in p["wards"]
}
DATA = legacy_data()
DISTRICTS = {code: name for code, name, _province in DATA["districts"]}
OLD_PROVINCES = {code: name for code, name, _new in DATA["provinces"]}
BY_PROVINCE = collections.defaultdict(list)
for _record in DATA["communes"]:
    BY_PROVINCE[_record[3]].append(_record)


def _search(client, q: str, *, until: str | None = None) -> list[dict]:
    """The results of the API search, page after page (until the code ``until``)."""
    items, page = [], 1
    while True:
        body = client.get("/api/v1/communes", {"q": q, "page_size": 200, "page": page}).json()
        items += body["items"]
        if page >= body["pages"] or any(i["code"] == until for i in body["items"]):
            return items
        page += 1


def test_the_mapping_points_only_at_todays_codes_and_covers_every_commune():
    """Verified against vietnam-provinces: every target exists today, and every one of
    today's 3,321 communes has at least one predecessor."""
    targets = [t for record in DATA["communes"] for t in record[4]]
    assert set(targets) <= set(TODAY)
    assert set(targets) == set(TODAY)
    old_codes = {r[0] for r in DATA["communes"] if r[0] is not None}
    assert len(old_codes) > 10_000
    assert len(OLD_PROVINCES) == 63 and set(BY_PROVINCE) == set(OLD_PROVINCES)
    today_provinces = {p for _name, p in TODAY.values()}
    assert {new for _c, _n, new in DATA["provinces"]} == today_provinces
    # An old commune's successors all lie in the province its old province became.
    became = {code: new for code, _name, new in DATA["provinces"]}
    strays = [r for r in DATA["communes"] if any(TODAY[t][1] != became[r[3]] for t in r[4])]
    assert len(strays) < 20  # communes moved between provinces (a few border changes)


@pytest.mark.django_db
def test_every_shipped_row_is_loaded_and_split_communes_keep_their_order(units):
    rows = LegacyName.objects.filter(source=LEGACY_SOURCE, commune__isnull=False)
    assert rows.count() == sum(len(r[4]) for r in DATA["communes"])
    loaded = collections.defaultdict(list)
    for old_code, name, rank, code in rows.order_by("rank").values_list(
        "old_code", "name", "rank", "commune__code"
    ):
        loaded[(old_code, name)].append((rank, code))
    for old_code, name, _district, _province, targets in DATA["communes"]:
        assert [code for _rank, code in sorted(loaded[(old_code, name)])] == targets


def _samples(per_province: int = 3):
    """A few old communes of every old province: the first, middle and last by code."""
    for province in sorted(BY_PROVINCE):
        records = sorted(BY_PROVINCE[province], key=lambda r: (r[0] or 0, r[1]))
        picks = {0, len(records) // 2, len(records) - 1}
        yield from (records[i] for i in sorted(picks)[:per_province])


@pytest.mark.django_db
def test_old_communes_of_every_province_are_found_without_accents(client, units):
    misses = []
    for old_code, name, district, province, targets in _samples():
        query = fold(name)
        assert query.isascii()
        main = f"{targets[0]:05d}"
        hits = {item["code"]: item for item in _search(client, query, until=main)}
        match = hits.get(main, {}).get("legacy_match")
        if match is None or fold(query) not in fold(match["label"]):
            misses.append((old_code, name, DISTRICTS.get(district), OLD_PROVINCES[province]))
    assert not misses
    assert len(list(_samples())) >= 3 * 60


def _split_samples():
    split = [r for r in DATA["communes"] if len(r[4]) > 1]
    assert len(split) > 400
    return split[::15]


@pytest.mark.django_db
def test_a_split_old_commune_finds_every_successor_the_main_one_first(client, units):
    checked = 0
    for _old_code, name, district, _province, targets in _split_samples():
        query = f"{fold(name)}, {fold(DISTRICTS[district])}"
        codes = [item["code"] for item in _search(client, query)]
        wanted = [f"{t:05d}" for t in targets]
        assert set(wanted) <= set(codes), query
        assert codes.index(wanted[0]) < min(codes.index(c) for c in wanted[1:]), query
        checked += 1
    assert checked >= 25


@pytest.mark.django_db
def test_a_split_commune_says_which_successor_got_only_a_part(client, units):
    items = _search(client, "thi tran ha trung")
    assert [i["name"] for i in items] == ["Xã Hà Trung", "Xã Hoạt Giang"]
    main, part = (i["legacy_match"] for i in items)
    assert main["main"] and main["text"] == (
        "Trước 7/2025: Thị trấn Hà Trung, huyện Hà Trung, tỉnh Thanh Hóa"
    )
    assert not part["main"]
    assert part["text"] == (
        "Trước 7/2025: một phần thị trấn Hà Trung, huyện Hà Trung, tỉnh Thanh Hóa"
    )


SEEDS = [
    # (query, today's commune, the line it shows) — pilot communes of the seed articles.
    ("ha son", "Xã Tống Sơn", "Trước 7/2025: Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa"),
    ("vi huong", "Xã Phủ Thông", "Trước 7/2025: Xã Vi Hương, huyện Bạch Thông, tỉnh Bắc Kạn"),
    ("hong giang", "Phường Chũ", "Trước 7/2025: Phường Hồng Giang, thị xã Chũ, tỉnh Bắc Giang"),
    (
        "hoang truong",
        "Xã Hoằng Tiến",
        "Trước 7/2025: Xã Hoằng Trường, huyện Hoằng Hóa, tỉnh Thanh Hóa",
    ),
    (
        "ngoc phung",
        "Xã Thường Xuân",
        "Trước 7/2025: Xã Ngọc Phụng, huyện Thường Xuân, tỉnh Thanh Hóa",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("query", "commune", "line"), SEEDS)
def test_the_seed_articles_communes_are_found_by_their_old_name(
    client, units, query, commune, line
):
    items = _search(client, query)
    hit = next(i for i in items if i["name"] == commune)
    assert hit["legacy_match"]["text"] == line
    # The brief fields a client already reads are all still there.
    assert {"code", "name", "division_type", "province_code", "province_name", "url"} <= set(hit)


@pytest.mark.django_db
def test_the_home_page_search_shows_the_old_name_it_matched(client, units):
    page = client.get("/tim-xa/", {"q": "ha son"}, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert "Xã Tống Sơn" in html
    assert "Trước 7/2025: Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa" in html
    # Found by today's name: no line about an old one.
    today = client.get("/tim-xa/", {"q": "tong son, thanh hoa"}).content.decode()
    assert "Xã Tống Sơn" in today and "Trước 7/2025" not in today


@pytest.mark.django_db
def test_a_name_with_its_district_after_a_comma_narrows_the_search(units):
    from xaso.geo.selectors import search_communes

    everywhere = {c.name for c in search_communes("ha son")}
    assert {"Xã Tống Sơn", "Xã Minh Hợp"} <= everywhere  # Hà Sơn (Thanh Hóa), Hạ Sơn (Nghệ An)
    assert [c.name for c in search_communes("ha son, ha trung")] == ["Xã Tống Sơn"]
    assert [c.name for c in search_communes("Hà Sơn, tỉnh Thanh Hóa")] == ["Xã Tống Sơn"]


@pytest.mark.django_db
def test_an_old_district_or_province_finds_the_communes_it_had(units):
    from xaso.geo.selectors import legacy_line, search_communes

    found = list(search_communes("huyen ha trung"))
    assert "Xã Tống Sơn" in {c.name for c in found}
    assert all("huyện Hà Trung" in legacy_line(c) for c in found)
    bac_giang = search_communes("tinh bac giang")
    assert set(bac_giang.values_list("province__code", flat=True)) == {24}
    assert "Phường Chũ" in {c.name for c in bac_giang}


@pytest.mark.django_db
def test_the_commune_card_lists_its_predecessors(client, units):
    code = Commune.objects.get(name="Xã Tống Sơn", province__code=38).code_str
    names = client.get(f"/api/v1/communes/{code}").json()["legacy_names"]
    assert "Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa" in names
    part = client.get("/api/v1/communes/15286").json()["legacy_names"]  # Xã Hoạt Giang
    assert "một phần thị trấn Hà Trung, huyện Hà Trung, tỉnh Thanh Hóa" in part


@pytest.mark.django_db
def test_loading_again_keeps_the_legacy_names_and_what_a_province_imported(units, tmp_path):
    from django.core.management import call_command

    table = tmp_path / "merger.csv"
    table.write_text(
        "old_name,old_context,new_commune_code\nThôn Đông Lạc,xã Hà Sơn cũ,15316\n", "utf-8"
    )
    call_command("import_legacy_names", str(table), source="QĐ tỉnh Thanh Hóa")
    shipped = LegacyName.objects.filter(source=LEGACY_SOURCE).count()
    assert load_units()["legacy"] == shipped
    assert load_units(force=True)["legacy"] == shipped
    assert LegacyName.objects.filter(source=LEGACY_SOURCE).count() == shipped
    imported = LegacyName.objects.get(source="QĐ tỉnh Thanh Hóa")
    assert imported.commune.code == 15316 and imported.label == "Thôn Đông Lạc, xã Hà Sơn cũ"
    from xaso.geo.selectors import legacy_line, search_communes

    [hit] = search_communes("thon dong lac")
    assert legacy_line(hit) == "Trước 7/2025: Thôn Đông Lạc, xã Hà Sơn cũ"


@pytest.mark.django_db
def test_an_installation_with_the_earlier_legacy_data_gets_the_full_mapping(units):
    """An upgrade: the units are there, the legacy rows are those of an earlier release."""
    LegacyName.objects.filter(source=LEGACY_SOURCE).delete()
    LegacyName.objects.create(
        name="Thị trấn Hà Trung",
        commune=Commune.objects.get(code=15271),
        source="vietnam-provinces 0.6.0 (trước 1/7/2025)",
    )
    counts = load_units()
    assert counts["legacy"] == LegacyName.objects.count()
    assert not LegacyName.objects.filter(source="vietnam-provinces 0.6.0 (trước 1/7/2025)").exists()
