"""One-stop shop benchmark: dossier submissions per second, and the public lookup with
1,000,000 dossiers in the table, beside the framework floor.

Run from the project root::

    .venv/bin/python bench/dossiers.py [--dossiers 1000000] [--duration 15]
    .venv/bin/python bench/dossiers.py --dossiers 20000 --duration 3   # a smoke run

What it does:

1. creates a fresh PostgreSQL database (``xaso_bench_dossiers``), migrates it, loads the
   units, runs the demo seeders of the foundation, the catalog and the dossiers (those
   of ``seed_demo`` this benchmark needs), then installs the procedure catalog in
   ``--communes`` communes of the demo province;
2. bulk-generates ``--dossiers`` dossiers with their public timelines in SQL
   (``INSERT … SELECT generate_series``), spread over those communes and the last two
   years, with codes of the real shape (``<agency>-<YYMMDD>-<NNNN>``, about 30 a day per
   commune) and states from "Mới đăng ký" to "Đã trả kết quả"; then ``ANALYZE``;
3. starts gunicorn (``--workers`` sync workers, 2 by default) with the Redis cache when
   Redis answers, and ``XASO_BEHIND_PROXY=1``;
4. measures, in interleaved rounds, the floor (``/_floor``) and
   ``GET /api/v1/dossiers/lookup?code=&phone=`` through ``wrk`` and
   ``bench/dossier_lookup.lua`` (a different dossier and a different client address
   on each request, so the per-address rate limit is paid but never refuses);
5. measures ``POST /api/v1/communes/15271/dossiers`` (multipart, filed at the counter
   by the demo one-stop officer with a bearer token, a fresh ``Idempotency-Key`` each
   time) with ``--submit-connections`` (16) concurrent clients, without an attachment
   and with a 200 KB PDF, through ``bench/dossier_submit.lua``; then counts the
   dossiers created, checks that no code appears twice and that every code has the
   agency-date-sequence shape;
6. prints the table, writes ``bench/results/dossiers.json``, stops gunicorn and drops
   the database.

Targets: lookup p95 ≤ 25 ms and ≥ 60 % of the floor's throughput; ≥ 150 submissions/s
without attachment; zero duplicate codes. The daily sequence of one agency has four
digits; past 9,999 dossiers in a day it goes on with five (documented in
docs/dossiers.md), which a long full-size run may reach: the count of such codes is
reported. This is a benchmark, never run by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import foundation as base  # noqa: E402  (the shared helpers, next to this file)

LOOKUP_SCRIPT = BENCH_DIR / "dossier_lookup.lua"
SUBMIT_SCRIPT = BENCH_DIR / "dossier_submit.lua"
DEMO_CODE = "15271"
OFFICER = "motcua.hatrung"
PROCEDURE = "1.001193"  # Đăng ký khai sinh, the most frequent commune procedure
SEEDERS = {"foundation", "procedures", "dossiers"}
TARGET_LOOKUP_P95_MS = 25.0
TARGET_LOOKUP_RATIO = 0.60
TARGET_SUBMIT_RPS = 150.0
DAYS = 730
CODE_SHAPE = r"^.+-[0-9]{6}-[0-9]{4,}$"


# --- Data -------------------------------------------------------------------------


def _literal(field) -> object:
    """The value a bulk-inserted row takes for a column the generator does not know."""
    if field.null:
        return None
    if field.has_default():
        value = field.get_default()
        if isinstance(value, (dict, list)):
            return json.dumps(value)
        return value
    if field.get_internal_type() in ("CharField", "TextField", "EmailField"):
        return ""
    raise base.BenchError(f"no bulk value for required column {field.column!r}")


def _insert_select(model, expressions: dict[str, str], source: str, params: list) -> tuple:
    """``INSERT INTO <table> (every concrete column) SELECT <expr or literal> <source>``."""
    columns, values, literals = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(field.column)
        if field.column in expressions:
            values.append(expressions[field.column])
        else:
            values.append("%s")
            literals.append(_literal(field))
    sql = (
        f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
        f"SELECT {', '.join(values)} {source}"
    )
    # The literals' placeholders are in the SELECT list, before the source's own.
    return sql, literals + params


def sample_form(schema: dict) -> dict:
    """A valid answer to a procedure's form schema (required fields only)."""
    values = {
        "text": "Nguyễn Văn An",
        "textarea": "Nội dung kê khai để đo hiệu năng.",
        "date": "2025-12-01",
        "cccd": "038085012345",
        "phone": "0912345678",
        "email": "congdan@example.vn",
        "checkbox": True,
    }
    form = {}
    for field in schema.get("fields", []):
        if not field.get("required"):
            continue
        kind = field["type"]
        if kind == "choice":
            form[field["key"]] = field["options"][0]["value"]
        elif kind == "integer":
            form[field["key"]] = max(int(field.get("min") or 1), 1)
        else:
            form[field["key"]] = values[kind]
    return form


def populate(count: int, communes: int) -> dict:
    """Install the catalog in ``communes`` communes and bulk-generate ``count`` dossiers."""
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone

    from xaso.dossiers.models import Dossier, DossierCounter, DossierEvent
    from xaso.dossiers.services import agency_code
    from xaso.geo.models import Commune
    from xaso.procedures.models import Procedure
    from xaso.procedures.services import install_catalog

    started = time.monotonic()
    # The demo seeders this benchmark needs (officials, catalog, demo dossiers), not
    # every domain's: a broken seeder elsewhere must not stop the measurement.
    from xaso.core.registry import registry

    for seeder in registry.ordered("seeders"):
        if seeder.key in SEEDERS:
            seeder.run()
    demo = Commune.objects.select_related("province").get(code=int(DEMO_CODE))
    chosen = [demo, *Commune.objects.filter(province=demo.province).exclude(pk=demo.pk)]
    chosen = chosen[: max(1, communes)]
    for commune in chosen:
        install_catalog(commune)
    per_commune = max(1, -(-count // len(chosen)))
    per_day = -(-per_commune // DAYS)
    today = timezone.localdate()
    counters = DossierCounter._meta.db_table
    made = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for commune in chosen:
            n = min(per_commune, count - made)
            if n <= 0:
                break
            procedures = list(
                Procedure.objects.filter(commune=commune, active=True).values_list("id", flat=True)
            )
            # g: 0..n-1; day = yesterday - (g % DAYS); sequence of the day = g / DAYS + 1,
            # after the numbers the demo dossiers already took that day.
            day = f"(k.today - 1 - (g %% {DAYS}))"
            moment = f"({day} + time '07:30' + ((g * 37) %% 540) * interval '1 minute')"
            mix = "((g * 7919) %% 100)"
            age = f"(g %% {DAYS})"
            # Old dossiers are mostly returned; the last weeks hold every state.
            state = (
                f"(CASE WHEN {age} > 45 THEN (CASE WHEN {mix} < 90 THEN 10 WHEN {mix} < 94 "
                f"THEN 3 WHEN {mix} < 97 THEN 7 ELSE 8 END) "
                f"ELSE (ARRAY[1,2,4,4,4,5,6,8,9,10])[1 + {mix} %% 10] END)"
            )
            taken = (
                f"coalesce((SELECT c.last FROM {counters} c "  # noqa: S608
                f"WHERE c.agency = k.agency AND c.day = {day}), 0)"
            )
            expressions = {
                "commune_id": "k.commune",
                "code": (
                    f"k.agency || '-' || to_char({day}, 'YYMMDD') || '-' || "
                    f"lpad((g / {DAYS} + 1 + {taken})::text, 4, '0')"
                ),
                "procedure_id": "k.procs[1 + g %% array_length(k.procs, 1)]",
                "channel": f"CASE WHEN {mix} < 70 THEN 'online' ELSE 'counter' END",
                "state": state,
                "applicant_name": "'Nguyễn Văn Thử ' || g",
                "applicant_name_folded": "'nguyen van thu ' || g",
                "applicant_id_number": "'038' || lpad(((g * 104729) %% 1000000000)::text, 9, '0')",
                "applicant_phone": "'09' || lpad(((g * 7919 + 13) %% 100000000)::text, 8, '0')",
                "applicant_address": "'Thôn Chí Phúc'",
                "form_data": """'{"child_full_name": "Nguyễn Văn Bé"}'::jsonb""",
                "submitted_at": moment,
                "received_at": moment,
                "original_due_at": f"{moment} + interval '3 days'",
                "due_at": f"{moment} + interval '3 days'",
                "completed_at": (
                    f"CASE WHEN {state} IN (9, 10) THEN {moment} + interval '2 days' END"
                ),
                "returned_at": f"CASE WHEN {state} = 10 THEN {moment} + interval '50 hours' END",
                "return_method": f"CASE WHEN {state} = 10 THEN 'pickup' ELSE '' END",
                "updated_at": "now()",
            }
            sql, params = _insert_select(
                Dossier,
                expressions,
                "FROM (SELECT %s::bigint AS commune, %s::text AS agency, "
                "%s::bigint[] AS procs, %s::date AS today) AS k, "
                "generate_series(0, %s - 1) AS g",
                [commune.pk, agency_code(commune), procedures, today, n],
            )
            cursor.execute(sql, params)
            made += n
        # The public timeline: submitted, received, processing, then the final state.
        path = (
            "(VALUES (1,0,NULL,1),(2,0,NULL,1),(2,1,1,2),(3,0,NULL,1),(3,1,1,3),"
            "(4,0,NULL,1),(4,1,1,2),(4,2,2,4),(7,0,NULL,1),(7,1,1,2),(7,2,2,7)"
            + "".join(
                f",({s},0,NULL,1),({s},1,1,2),({s},2,2,4),({s},3,4,{s})" for s in (5, 6, 8, 9)
            )
            + ",(10,0,NULL,1),(10,1,1,2),(10,2,2,4),(10,3,4,9),(10,4,9,10)"
            ") AS p(state, n, from_state, to_state)"
        )
        sql, params = _insert_select(
            DossierEvent,
            {
                "dossier_id": "d.id",
                "at": "d.submitted_at + p.n * interval '10 hours'",
                "kind": "CASE WHEN p.n = 0 THEN 'submitted' ELSE 'state' END",
                "from_state": "p.from_state",
                "to_state": "p.to_state",
                "public": "true",
            },
            f"FROM {Dossier._meta.db_table} d JOIN {path} ON p.state = d.state",
            [],
        )
        cursor.execute(sql, params)
        events = cursor.rowcount
    populate_s = time.monotonic() - started
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(
            f"SELECT code, right(applicant_phone, 4) FROM {Dossier._meta.db_table} "  # noqa: S608
            "ORDER BY random() LIMIT 5000"
        )
        pairs = cursor.fetchall()
    procedure = Procedure.objects.get(commune=demo, code=PROCEDURE)
    counts = {
        "dossiers": Dossier.objects.count(),
        "events": events,
        "communes": len(chosen),
        "per_commune_per_day": per_day,
        "populate_s": round(populate_s, 1),
    }
    connection.close()
    return {"pairs": pairs, "form": sample_form(procedure.form_schema), **counts}


def make_pdf(size: int) -> bytes:
    """A valid one-page PDF of about ``size`` bytes (an incompressible data stream)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
    ]
    text = b"BT /F1 14 Tf 40 540 Td (Giay chung sinh - ban scan) Tj ET"
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text))
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    blob = os.urandom(max(0, size - 1200))
    objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(blob), blob))
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def multipart(payload: dict, attachment: bytes | None, boundary: str) -> bytes:
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="payload"\r\n'
        f"Content-Type: application/json; charset=utf-8\r\n\r\n".encode()
        + json.dumps(payload, ensure_ascii=False).encode()
        + b"\r\n"
    ]
    if attachment is not None:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="attachments"; '
            f'filename="giay-chung-sinh.pdf"\r\nContent-Type: application/pdf\r\n\r\n'.encode()
            + attachment
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode()


def post(url: str, body: bytes, boundary: str, token: str, key: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={
            "Content-Type": f"multipart/form-data; boundary={boundary}",
            "Authorization": f"Bearer {token}",
            "Idempotency-Key": key,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def sql_value(database_url: str, query: str):
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        return conn.execute(query).fetchone()[0]


# --- Main -------------------------------------------------------------------------


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--communes", type=int, default=50, help="communes the rows spread over")
    parser.add_argument("--duration", type=float, default=15, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=4, help="wrk connections, lookup")
    parser.add_argument(
        "--submit-connections", type=int, default=16, help="concurrent clients submitting"
    )
    parser.add_argument("--attachment-kb", type=int, default=200)
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers")
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("XASO_BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--db-name", default="xaso_bench_dossiers")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument(
        "--only", choices=["lookup", "submit"], help="measure one of the two (default: both)"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--output", type=Path, default=base.RESULTS_DIR / "dossiers.json")
    args = parser.parse_args(argv)
    if args.dossiers < 1 or args.duration <= 0 or min(args.rounds, args.workers) < 1:
        parser.error("--dossiers, --duration, --rounds and --workers must be positive")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print("wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2

    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)
    server_url = args.pg_server.rstrip("/")
    database_url = f"{server_url}/{args.db_name}"
    workdir = Path(tempfile.mkdtemp(prefix="xaso-bench-dossiers-"))
    try:
        redis = base.redis_version(args.redis_url)
    except base.BenchError:
        redis = None
    env = base.server_env(
        database_url,
        workdir,
        args.redis_url if redis else None,
        # The citizen's notification runs in the request (``immediate``), as in the other
        # benchmarks; XASO_BENCH_TASKS=database|rq queues it instead for a worker this
        # benchmark does not run (the queued tasks are counted at the end).
        XASO_TASKS_BACKEND=os.environ.get("XASO_BENCH_TASKS", "immediate"),
        XASO_BEHIND_PROXY="1",
    )
    server, created = None, False
    started = time.monotonic()
    try:
        machine = base.machine_info()
        base.log("Xã Số — One-stop shop benchmark (dossiers)")
        base.log(
            f"machine : {machine['nproc']} CPU ({machine['cpu_model']}), {machine['ram_gib']} GiB"
        )
        postgres = base.create_database(server_url, args.db_name)
        created = True
        base.run_manage(env, "migrate", "--no-input", "-v0")
        base.run_manage(env, "createcachetable")
        base.run_manage(env, "load_units")
        os.environ.update(env)
        data = populate(args.dossiers, args.communes)
        pairs, form = data.pop("pairs"), data.pop("form")
        base.log(
            f"data    : {data['dossiers']:,} dossiers, {data['events']:,} timeline events in "
            f"{data['communes']} communes, generated in {data['populate_s']} s; "
            f"PostgreSQL {postgres}; cache {'Redis ' + redis if redis else 'database'}"
        )
        data["db_size"] = base.data_size(database_url)["db_size"]
        lookups = workdir / "lookups.txt"
        lookups.write_text("".join(f"{code} {phone}\n" for code, phone in pairs), "utf-8")
        token = (
            subprocess.run(
                [str(base.BIN / "xaso"), "issue_token", OFFICER, "--name", "bench"],
                env=env,
                cwd=base.ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            .stdout.strip()
            .splitlines()[-1]
        )

        port = base.free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = workdir / "gunicorn.log"
        server = base.start_gunicorn(env, port, args, log_path)
        base.wait_for_health(url, server, log_path)
        machine["background_cpu_pct"] = base.background_load()

        def measured(script: Path, target: str, seconds: float, connections: int) -> dict:
            """One wrk run, with the share of the CPU other work took meanwhile."""
            backends = base.db_backend_pids(server_url, args.db_name)
            before = base.cpu_snapshot(server.pid, backends)
            run = base.run_wrk(
                wrk, target, seconds, connections, args.wrk_threads, script=script, timeout_s=30
            )
            run["other_cpu_pct"] = base.other_cpu_pct(
                before, base.cpu_snapshot(server.pid, backends)
            )
            return run

        os.environ["XASO_BENCH_LOOKUPS"] = str(lookups)

        # --- the lookup beside the floor -------------------------------------------
        code, phone = pairs[0]
        probe_path = f"/api/v1/dossiers/lookup?code={code}&phone={phone}"
        status, body = base.fetch(url + probe_path)
        if status != 200:
            raise base.BenchError(f"lookup answered {status}: {body[:300]!r}")
        lookup_bytes = len(body)
        endpoints = [("floor", "/_floor", base.LUA_SCRIPT)]
        if args.only != "submit":
            endpoints.append(("lookup", "/api/v1/dossiers/lookup", LOOKUP_SCRIPT))
        round_s = max(1, round(args.duration / args.rounds))
        for _name, path, script in endpoints:
            base.run_wrk(
                wrk, url + path, args.warmup, args.connections, args.wrk_threads, script=script
            )
        rounds: dict[str, list] = {name: [] for name, _p, _s in endpoints}
        for number in range(1, args.rounds + 1):
            for name, path, script in endpoints:
                run = measured(script, url + path, round_s, args.connections)
                rounds[name].append(run)
                base.log(f"  round {number}/{args.rounds} {name:<28} {run['rps']:8.1f} req/s")
        results = [
            base.summarise(
                "floor", "/_floor", rounds["floor"], len(base.fetch(url + "/_floor")[1])
            ),
        ]
        if args.only != "submit":
            path = probe_path.split("?")[0]
            results.append(base.summarise("lookup", path, rounds["lookup"], lookup_bytes))

        # --- submissions -------------------------------------------------------------
        submit_path = f"/api/v1/communes/{DEMO_CODE}/dossiers"
        payload = {
            "procedure": PROCEDURE,
            "channel": "counter",
            "applicant": {
                "full_name": "Đặng Văn Vượng",
                "id_number": "038085012345",
                "phone": "0912345678",
                "address": "Thôn Chí Phúc, xã Hà Trung",
            },
            "form": form,
        }
        boundary = "xaso-bench-" + os.urandom(8).hex()
        pdf = make_pdf(args.attachment_kb * 1024)
        table_name = "dossiers_dossier"
        submissions = []
        variants = [("submit, no attachment", None), (f"submit + {args.attachment_kb} KB PDF", pdf)]
        for name, attachment in variants if args.only != "lookup" else []:
            body_path = workdir / "body.bin"
            body_path.write_bytes(multipart(payload, attachment, boundary))
            status, answer = post(
                url + submit_path, body_path.read_bytes(), boundary, token, os.urandom(8).hex()
            )
            if status != 201:
                raise base.BenchError(f"{name}: answered {status}: {answer[:500]!r}")
            os.environ.update(
                {
                    "XASO_BENCH_BODY": str(body_path),
                    "XASO_BENCH_BOUNDARY": boundary,
                    "XASO_BENCH_TOKEN": token,
                    "XASO_BENCH_PATH": submit_path,
                }
            )
            before = sql_value(database_url, f"SELECT count(*) FROM {table_name}")  # noqa: S608
            runs = []
            for number in range(1, args.rounds + 1):
                os.environ["XASO_BENCH_RUN"] = f"{int(time.time())}-{number}-{os.urandom(3).hex()}"
                run = measured(SUBMIT_SCRIPT, url + submit_path, round_s, args.submit_connections)
                runs.append(run)
                base.log(f"  round {number}/{args.rounds} {name:<28} {run['rps']:8.1f} req/s")
            time.sleep(1)  # requests in flight when wrk stopped finish on the server
            after = sql_value(database_url, f"SELECT count(*) FROM {table_name}")  # noqa: S608
            summary = base.summarise(name, submit_path, runs, len(answer))
            summary["created"] = after - before
            summary["answered_2xx"] = summary["requests"] - summary["non2xx"]
            submissions.append(summary)
        duplicates = sql_value(
            database_url,
            f"SELECT count(*) FROM (SELECT code FROM {table_name} "  # noqa: S608
            "GROUP BY code HAVING count(*) > 1) AS d",
        )
        malformed = sql_value(
            database_url,
            f"SELECT count(*) FROM {table_name} WHERE code !~ '{CODE_SHAPE}'",  # noqa: S608
        )
        five_digits = sql_value(
            database_url,
            f"SELECT count(*) FROM {table_name} WHERE code ~ '-[0-9]{{5,}}$'",  # noqa: S608
        )
        queued = (
            sql_value(database_url, "SELECT count(*) FROM django_tasks_database_dbtaskresult")
            if env["XASO_TASKS_BACKEND"] == "database"
            else "n/a (sent in the request)"
            if env["XASO_TASKS_BACKEND"] == "immediate"
            else "in Redis"
        )
        results += submissions

        floor_rps = results[0]["rps"]
        base.log("")
        header = (
            f"{'endpoint':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
            f"{'vs floor':>9} {'created':>8} {'other CPU':>10}"
        )
        base.log(header)
        base.log("-" * len(header))
        for r in results:
            r["ratio"] = r["rps"] / floor_rps if floor_rps else 0.0
            base.log(
                f"{r['name']:<28} {r['rps']:>8.1f} {r['p50_ms']:>8.2f} {r['p95_ms']:>8.2f} "
                f"{r['p99_ms']:>8.2f} {r['ratio'] * 100:>8.1f}% {r.get('created', '—')!s:>8} "
                f"{base._pct(r.get('other_cpu_pct')):>10}"
            )
            if r["non2xx"] or r["socket_errors"]:
                base.log(f"  warning: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors")
        named = {r["name"]: r for r in results}
        lookup, plain = named.get("lookup"), named.get("submit, no attachment")
        verdicts = {
            "lookup_p95": bool(lookup) and lookup["p95_ms"] <= TARGET_LOOKUP_P95_MS,
            "lookup_ratio": bool(lookup) and lookup["ratio"] >= TARGET_LOOKUP_RATIO,
            "submit_rps": bool(plain) and plain["rps"] >= TARGET_SUBMIT_RPS and not plain["non2xx"],
            "no_duplicates": duplicates == 0 and malformed == 0,
        }
        base.log("")
        if lookup:
            base.log(
                f"lookup p95 ≤ {TARGET_LOOKUP_P95_MS:g} ms: "
                f"{'met' if verdicts['lookup_p95'] else 'NOT met'}; "
                f"≥ {TARGET_LOOKUP_RATIO:.0%} of the floor: "
                f"{'met' if verdicts['lookup_ratio'] else 'NOT met'}"
            )
        if plain:
            base.log(
                f"submissions ≥ {TARGET_SUBMIT_RPS:g}/s ({args.submit_connections} clients): "
                f"{'met' if verdicts['submit_rps'] else 'NOT met'}; "
                f"duplicate codes: {duplicates}; malformed codes: {malformed}; "
                f"five-digit sequences: {five_digits}; notification tasks queued for the "
                f"worker: {queued}"
            )
        base.log(
            f"({args.workers} × {args.worker_class} gunicorn workers; lookup with "
            f"{args.connections} connections; other CPU: median share of the machine's "
            "CPU taken by work other than this benchmark during the rounds)"
        )
        report = {
            "benchmark": "dossiers",
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine,
            "postgresql": postgres,
            "cache": f"redis {redis}" if redis else "database",
            "data": data,
            "server": {"workers": args.workers, "worker_class": args.worker_class},
            "load": {
                "lookup_connections": args.connections,
                "submit_connections": args.submit_connections,
                "threads": args.wrk_threads,
                "rounds": args.rounds,
                "round_s": round_s,
                "attachment_bytes": len(pdf),
            },
            "targets": {
                "lookup_p95_ms": TARGET_LOOKUP_P95_MS,
                "lookup_ratio": TARGET_LOOKUP_RATIO,
                "submit_rps": TARGET_SUBMIT_RPS,
            },
            "verdicts": verdicts,
            "codes": {"duplicates": duplicates, "malformed": malformed, "five_digits": five_digits},
            "results": results,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        base.log(f"Results written to {args.output} ({time.monotonic() - started:.0f} s in all).")
        return 0
    except base.BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 130
    finally:
        base.stop_process_group(server)
        if created and not args.keep_db:
            try:
                base.drop_database(server_url, args.db_name)
            except Exception as exc:
                print(f"could not drop database {args.db_name!r}: {exc}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
