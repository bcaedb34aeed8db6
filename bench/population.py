"""Population benchmark: a 100,000-person spreadsheet import, and accent-insensitive
name search over 1,000,000 persons on PostgreSQL.

Run from the project root (PostgreSQL at 127.0.0.1:5432, user postgres)::

    .venv/bin/python bench/population.py [--import-rows 100000] [--persons 1000000]

1. Creates a fresh database ``xaso_bench_population``, migrates it, loads the
   administrative units and the demo officials and villages of Xã Hà Trung.
2. Writes a 100,000-row .xlsx in the shape communes keep (one row per person with a
   household number), then times the importer's dry run and its commit, and reports
   the process's peak resident memory.
3. Empties the registry and loads 1,000,000 persons with COPY — 100,000 in Xã Hà
   Trung (a large merged commune), the rest over 39 other communes of the province —
   with names drawn from common Vietnamese family, middle and given names, then runs
   a few hundred varied unaccented name queries through the same selectors the API
   uses (first page of 50 + the count, capped at 1,000) and reports p50/p95/p99.
4. Drops the database, also on error.

Target: search p95 ≤ 50 ms. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

from django.utils import timezone

ROOT = Path(__file__).resolve().parent.parent
DB = "xaso_bench_population"
ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"

FAMILY = ["Nguyễn"] * 38 + ["Trần"] * 11 + ["Lê"] * 9 + ["Phạm"] * 7 + ["Hoàng"] * 5 + [
    "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương", "Lý", "Trịnh",
    "Đinh", "Lương", "Mai", "Hà", "Lò", "Cao", "Tạ", "Lưu",
]  # fmt: skip
MIDDLE = ["Văn", "Thị", "Minh", "Ngọc", "Đức", "Quốc", "Thanh", "Hữu", "Xuân", "Thu", "Gia",
          "Bảo", "Kim", "Hoài", "Công", "Đình"]  # fmt: skip
GIVEN = ["An", "Bình", "Cường", "Dũng", "Dung", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Hương",
         "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phong", "Phương", "Quang", "Sơn",
         "Tâm", "Thảo", "Thắng", "Trang", "Trung", "Tuấn", "Vân", "Yến", "Hiếu", "Huy", "Khôi",
         "Lộc", "Nhung", "Oanh", "Phúc", "Quân", "Thủy", "Toàn", "Vinh", "Việt", "Xuân", "Đạt",
         "Đức", "Giang", "Hòa", "Kiên", "Loan", "My", "Ngân", "Nhi", "Phát", "Quyên", "Tài",
         "Thư", "Tiến", "Uyên", "Vượng", "Yên"]  # fmt: skip
VILLAGES = ["Chí Phúc", "Đông Sơn", "Yên Lược", "Tổ dân phố 3", "Tổ dân phố 5"]


def log(message: str) -> None:
    print(message, flush=True)


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()


def name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


def setup_django(media: str) -> None:
    os.environ["DATABASE_URL"] = ADMIN_URL.rsplit("/", 1)[0] + "/" + DB
    os.environ.setdefault("XASO_ALLOW_INSECURE_KEY", "1")
    os.environ["XASO_MEDIA_ROOT"] = media
    os.environ["XASO_LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "xaso.settings"
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def write_xlsx(path: Path, rows: int, seed: int = 7) -> None:
    import openpyxl

    from xaso.population.demo import identity_number

    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Dân cư")
    sheet.append(["Số hộ", "Họ và tên", "Ngày sinh", "Giới tính", "Số định danh", "Dân tộc",
                  "Quan hệ với chủ hộ", "Thôn/Tổ dân phố", "Số điện thoại"])  # fmt: skip
    household = 0
    left = 0
    seen = set()
    for i in range(rows):
        if left == 0:
            household += 1
            left = rng.randint(1, 6)
            rel = "Chủ hộ"
            village = VILLAGES[household % len(VILLAGES)]
        else:
            rel = rng.choice(["Vợ", "Chồng", "Con", "Con", "Cha", "Mẹ", "Cháu"])
        left -= 1
        while True:  # the importer rightly refuses two residents alike in all three
            full = name(rng)
            born = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 90 * 365))
            if (full, born, village) not in seen:
                seen.add((full, born, village))
                break
        sex = rng.choice("MF")
        sheet.append([
            f"HB-{household:06d}", full, born.strftime("%d/%m/%Y"),
            "Nam" if sex == "M" else "Nữ", identity_number(born, sex, i), "Kinh", rel, village,
            f"09{rng.randrange(10**8):08d}" if rng.random() < 0.3 else "",
        ])  # fmt: skip
    book.save(path)


def bench_import(rows: int, workdir: Path) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from xaso.accounts.models import User
    from xaso.geo.models import Commune
    from xaso.population import importer

    path = workdir / "dan-cu-100k.xlsx"
    t0 = time.perf_counter()
    write_xlsx(path, rows)
    log(f"  wrote {rows:,} rows to {path.name} in {time.perf_counter() - t0:.1f} s "
        f"({path.stat().st_size / 1e6:.1f} MB)")  # fmt: skip
    commune = Commune.objects.get(code=15271)
    admin = User.objects.get(username="quantri.hatrung")
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    upload = SimpleUploadedFile(path.name, path.read_bytes())
    t0 = time.perf_counter()
    job = importer.dry_run(admin, commune, upload)
    dry = time.perf_counter() - t0
    assert job.status == "dry_run_ok", job.report[:5]
    t0 = time.perf_counter()
    job = importer.commit(admin, job)
    commit = time.perf_counter() - t0
    assert job.status == "committed", job.report[:5]
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result = {
        "rows": rows,
        "file_mb": round(path.stat().st_size / 1e6, 1),
        "dry_run_s": round(dry, 1),
        "commit_s": round(commit, 1),
        "persons_created": job.persons_created,
        "households_created": job.households_created,
        "peak_rss_mb": round(rss_after, 0),
        "peak_rss_growth_mb": round(rss_after - rss_before, 0),
    }
    log(f"  import: dry run {dry:.1f} s, commit {commit:.1f} s, peak RSS {rss_after:.0f} MB "
        f"(+{rss_after - rss_before:.0f} MB during the import)")  # fmt: skip
    return result


def load_persons(n: int, in_commune: int) -> float:
    """``in_commune`` persons in Xã Hà Trung, the rest spread over 39 other communes of
    Thanh Hóa: a province database, searched from one large commune."""
    import importlib

    from django.db import connection

    from xaso.core.text import fold
    from xaso.geo.models import Commune
    from xaso.population.models import Person, PersonChange

    commune = Commune.objects.get(code=15271)
    others = list(
        Commune.objects.filter(province=commune.province)
        .exclude(pk=commune.pk)
        .order_by("code")
        .values_list("pk", flat=True)[:39]
    )
    index_sql = importlib.import_module(
        "xaso.population.migrations.0002_postgres_search_indexes"
    ).CREATE
    PersonChange.objects.all().delete()
    with connection.cursor() as cur:
        cur.execute("UPDATE population_household SET head_id = NULL")
        cur.execute("DELETE FROM population_person")
        cur.execute("DROP INDEX IF EXISTS person_name_fts")
    rng = random.Random(11)
    now = dt.datetime.now(dt.UTC).isoformat()
    t0 = time.perf_counter()
    columns = ("commune_id, full_name, full_name_folded, date_of_birth, sex, ethnicity, phone, "
               "email, relationship, residence_status, alive, publish_in_village_directory, "
               "publish_phone, created_at, updated_at")  # fmt: skip
    raw = connection.connection
    with raw.cursor() as cur, cur.copy(f"COPY population_person ({columns}) FROM STDIN") as copy:
        for i in range(n):
            owner = commune.pk if i < in_commune else others[i % len(others)]
            full = name(rng)
            born = dt.date(1935, 1, 1) + dt.timedelta(days=rng.randrange(0, 90 * 365))
            copy.write_row((owner, full, fold(full), born, rng.choice("MF"), "Kinh", "", "",
                            "con", "thuong_tru", True, False, False, now, now))  # fmt: skip
    raw.commit()
    with connection.cursor() as cur:
        for sql in index_sql:
            cur.execute(sql)
        cur.execute("ANALYZE population_person")
    took = time.perf_counter() - t0
    log(
        f"  loaded {Person.objects.count():,} persons ({in_commune:,} in Xã Hà Trung, the rest "
        f"in {len(others)} other communes) with COPY + indexes in {took:.0f} s"
    )
    return took


def queries(count: int) -> list[str]:
    from xaso.core.text import fold

    rng = random.Random(3)
    shapes = [
        lambda: f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        lambda: f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
        lambda: f"{rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
        lambda: rng.choice(GIVEN),
        lambda: rng.choice(FAMILY),
        lambda: f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)[:2]}",
    ]
    return [fold(rng.choice(shapes)()) for _ in range(count)]


def bench_search(n_queries: int) -> dict:
    from django.db import reset_queries

    from xaso.geo.models import Commune
    from xaso.population import selectors

    commune = Commune.objects.get(code=15271)
    qs_list = queries(n_queries)
    for q in qs_list[:20]:  # warm the cache and the connection
        selectors.count_capped(selectors.search_persons(commune, q))
    times = []
    for q in qs_list:
        t0 = time.perf_counter()
        items, count, _capped = selectors.search_page(selectors.search_persons(commune, q))
        times.append((time.perf_counter() - t0) * 1000)
        assert count >= len(items)
        reset_queries()
    times.sort()

    def pct(p):
        return round(times[min(len(times) - 1, int(len(times) * p))], 1)

    result = {
        "queries": n_queries,
        "p50_ms": pct(0.50),
        "p95_ms": pct(0.95),
        "p99_ms": pct(0.99),
        "mean_ms": round(statistics.mean(times), 1),
        "max_ms": round(times[-1], 1),
    }
    log(f"  search: p50 {result['p50_ms']} ms, p95 {result['p95_ms']} ms, "
        f"p99 {result['p99_ms']} ms over {n_queries} queries")  # fmt: skip
    return result


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--in-commune", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    admin_sql(f"DROP DATABASE IF EXISTS {DB}")
    admin_sql(f"CREATE DATABASE {DB}")
    try:
        with tempfile.TemporaryDirectory() as media:
            setup_django(media)
            from django.core.management import call_command

            from xaso.accounts.demo import seed as seed_foundation
            from xaso.geo.services import load_units
            from xaso.population.demo import seed as seed_population

            call_command("migrate", verbosity=0)
            call_command("createcachetable", verbosity=0)
            load_units()
            seed_foundation(now=timezone.now())
            seed_population(now=timezone.now())
            log(
                f"machine: {cpu_model()}, {os.cpu_count()} CPUs, Python {platform.python_version()}"
            )
            results = {"machine": cpu_model(), "cpus": os.cpu_count()}
            results["import"] = bench_import(args.import_rows, Path(media))
            results["load_s"] = round(load_persons(args.persons, args.in_commune), 0)
            results["persons"] = args.persons
            results["persons_in_searched_commune"] = args.in_commune
            results["search"] = bench_search(args.queries)
            out = ROOT / "bench" / "results" / "population.json"
            out.parent.mkdir(exist_ok=True)
            out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
            log(f"results in {out.relative_to(ROOT)}")
            from django.db import connections

            connections.close_all()
    finally:
        if not args.keep:
            admin_sql(f"DROP DATABASE IF EXISTS {DB} WITH (FORCE)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
