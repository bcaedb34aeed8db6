"""Feedback benchmark: the Open311 list with 200,000 reports, and the Open311 POST rate.

Run from the project root::

    .venv/bin/python bench/feedback.py [--reports 200000] [--duration 15] [--connections 4]

What it does:

1. creates a fresh PostgreSQL database (``xaso_bench_feedback``), migrates it, loads
   the units, seeds the demo commune (Xã Hà Trung, 15271) with its categories, and
   bulk-creates ``--reports`` reports spread over the last two years (recent ones
   mostly open, older ones mostly answered), then ``ANALYZE``;
2. issues an Open311 API key and starts gunicorn (2 sync workers by default) with
   the Redis cache when Redis answers (the database cache otherwise);
3. loads, in interleaved rounds, the framework floor (``/_floor``) and
   ``GET /open311/v2/requests.json`` with a date window and a status filter, and
   then ``POST /open311/v2/requests.json`` (form-encoded, with the key), through
   ``wrk`` and ``bench/latency.lua`` / ``bench/open311_post.lua``;
4. prints p50/p95/p99 and requests/s beside the floor, writes
   ``bench/results/feedback.json``, stops gunicorn and drops the database.

Target: p95 ≤ 50 ms for the GET list. The helpers (database, gunicorn, wrk) are
those of ``bench/foundation.py``. This is a benchmark, never run by the test suite.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import foundation as base  # noqa: E402  (the shared helpers, next to this file)

POST_SCRIPT = BENCH_DIR / "open311_post.lua"
TARGET_P95_MS = 50.0
DEMO_CODE = "15271"


def populate(count: int, seed: int = 7) -> dict:
    """Bulk-create ``count`` reports over two years for the demo commune; returns a key."""
    import django

    django.setup()
    from decimal import Decimal

    from django.db import connection
    from django.utils import timezone

    from xaso.feedback.models import Category, Report, Status
    from xaso.feedback.services import issue_open311_key
    from xaso.geo.models import Commune

    rng = random.Random(seed)
    commune = Commune.objects.get(code=int(DEMO_CODE))
    categories = list(Category.objects.filter(commune=commune))
    now = timezone.now()
    open_states = [Status.NEW, Status.ACCEPTED, Status.ASSIGNED, Status.IN_PROGRESS]
    batch: list[Report] = []
    started = time.monotonic()
    for i in range(count):
        age = dt.timedelta(seconds=rng.uniform(0, 730 * 86400))
        received = now - age
        recent = age < dt.timedelta(days=30)
        if rng.random() < (0.6 if recent else 0.04):
            status, resolved = rng.choice(open_states), None
        else:
            status = rng.choices(
                [Status.RESOLVED, Status.CLOSED, Status.REJECTED], weights=[7, 2, 1]
            )[0]
            resolved = received + dt.timedelta(hours=rng.uniform(4, 300))
        batch.append(
            Report(
                commune=commune,
                category=rng.choice(categories),
                description=f"Phản ánh thử số {i}: ổ gà, rác thải, đèn đường hỏng.",
                search_folded=f"phan anh thu so {i}",
                lat=Decimal("20.018") + Decimal(rng.randint(-9000, 9000)) / 1_000_000,
                long=Decimal("105.835") + Decimal(rng.randint(-9000, 9000)) / 1_000_000,
                address_string="Thôn Chí Phúc",
                contact_phone="",
                status=status,
                answer="Đã khắc phục." if status in (Status.RESOLVED, Status.CLOSED) else "",
                reject_reason="Không thuộc thẩm quyền." if status == Status.REJECTED else "",
                received_at=received,
                updated_at=resolved or received,
                expected_at=received + dt.timedelta(days=7),
                resolved_at=resolved if status != Status.REJECTED else None,
                source="bench",
            )
        )
        if len(batch) == 5000:
            Report.objects.bulk_create(batch)
            batch.clear()
    if batch:
        Report.objects.bulk_create(batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    _key, raw = issue_open311_key(None, commune, "bench")
    counts = {
        "reports": Report.objects.filter(commune=commune).count(),
        "open": Report.objects.filter(commune=commune, status__in=open_states).count(),
        "populate_s": round(time.monotonic() - started, 1),
    }
    connection.close()
    return {"key": raw, **counts}


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=200_000)
    parser.add_argument("--duration", type=float, default=15, help="seconds per endpoint")
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--connections",
        type=int,
        default=4,
        help="wrk connections (a few per worker: latency, not queueing, is measured)",
    )
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", choices=["sync", "gthread"], default="sync")
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("XASO_BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"),
    )
    parser.add_argument("--db-name", default="xaso_bench_feedback")
    parser.add_argument(
        "--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--output", type=Path, default=base.RESULTS_DIR / "feedback.json")
    return parser.parse_args(argv)


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
    workdir = Path(tempfile.mkdtemp(prefix="xaso-bench-feedback-"))
    try:
        redis = base.redis_version(args.redis_url)
    except base.BenchError:
        redis = None
    env = base.server_env(database_url, workdir, args.redis_url if redis else None)
    server, created = None, False
    started = time.monotonic()
    try:
        machine = base.machine_info()
        base.log("Xã Số — Feedback benchmark (Open311)")
        base.log(
            f"machine : {machine['nproc']} CPU ({machine['cpu_model']}), {machine['ram_gib']} GiB"
        )
        postgres = base.create_database(server_url, args.db_name)
        created = True
        base.run_manage(env, "migrate", "--no-input", "-v0")
        base.run_manage(env, "createcachetable")
        base.run_manage(env, "load_units")
        base.run_manage(env, "seed_demo")
        os.environ.update(env)
        data = populate(args.reports)
        key = data.pop("key")
        base.log(
            f"data    : {data['reports']:,} reports ({data['open']:,} open) in "
            f"{data['populate_s']} s; PostgreSQL {postgres}; cache "
            f"{'Redis ' + redis if redis else 'database'}"
        )
        data["db_size"] = base.data_size(database_url)["db_size"]

        port = base.free_port()
        url = f"http://127.0.0.1:{port}"
        log_path = workdir / "gunicorn.log"
        server = base.start_gunicorn(env, port, args, log_path)
        base.wait_for_health(url, server, log_path)
        machine["background_cpu_pct"] = base.background_load()

        today = dt.datetime.now(dt.UTC).astimezone(dt.timezone(dt.timedelta(hours=7)))
        start = (today - dt.timedelta(days=30)).date().isoformat()
        year_ago = today - dt.timedelta(days=365)
        query_open = urlencode(
            {
                "jurisdiction_id": DEMO_CODE,
                "start_date": start,
                "end_date": today.date().isoformat(),
                "status": "open",
            }
        )
        query_old = urlencode(
            {
                "jurisdiction_id": DEMO_CODE,
                "start_date": (year_ago - dt.timedelta(days=7)).date().isoformat(),
                "end_date": year_ago.date().isoformat(),
                "status": "closed",
            }
        )
        endpoints = [
            ("floor", "/_floor"),
            ("open, last 30 days", f"/open311/v2/requests.json?{query_open}"),
            ("closed, 7 days a year ago", f"/open311/v2/requests.json?{query_old}"),
        ]
        round_s = max(1, round(args.duration / args.rounds))

        def measure(endpoints: list[tuple[str, str]]) -> list[dict]:
            probes = {}
            for _name, path in endpoints:
                status, body = base.fetch(url + path)
                if status != 200:
                    raise base.BenchError(f"{path} answered {status}: {body[:300]!r}")
                probes[path] = {"bytes": len(body), "items": len(json.loads(body))}
            for _name, path in endpoints:
                base.run_wrk(wrk, url + path, args.warmup, args.connections, args.wrk_threads)
            rounds: dict[str, list] = {path: [] for _n, path in endpoints}
            for number in range(1, args.rounds + 1):
                for name, path in endpoints:
                    run = base.run_wrk(wrk, url + path, round_s, args.connections, args.wrk_threads)
                    rounds[path].append(run)
                    base.log(f"  round {number}/{args.rounds} {name:<30} {run['rps']:8.1f} req/s")
            return [
                {**base.summarise(name, path, rounds[path], probes[path]["bytes"]), **probes[path]}
                for name, path in endpoints
            ]

        results = measure(endpoints)

        # The POST rate: every request creates a report (audited, with its event).
        os.environ["XASO_BENCH_OPEN311_KEY"] = key
        post_runs = [
            base.run_wrk(
                wrk,
                f"{url}/open311/v2/requests.json",
                round_s,
                args.connections,
                args.wrk_threads,
                script=POST_SCRIPT,
            )
            for _ in range(args.rounds)
        ]
        post = base.summarise("POST requests.json", "/open311/v2/requests.json", post_runs, 0)

        # The same lists with the response cache off: the cost of a cold query.
        base.stop_process_group(server)
        env["XASO_OPEN311_CACHE_SECONDS"] = "0"
        port = base.free_port()
        url = f"http://127.0.0.1:{port}"
        server = base.start_gunicorn(env, port, args, log_path)
        base.wait_for_health(url, server, log_path)
        results += measure([(f"{name} (no cache)", path) for name, path in endpoints[1:]])
        results.append(post)

        floor_rps = results[0]["rps"]
        base.log("")
        header = (
            f"{'endpoint':<30} {'items':>6} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} "
            f"{'p99 ms':>8} {'vs floor':>9}"
        )
        base.log(header)
        base.log("-" * len(header))
        for r in results:
            r["ratio"] = r["rps"] / floor_rps if floor_rps else 0.0
            base.log(
                f"{r['name']:<30} {r.get('items', '—')!s:>6} {r['rps']:>8.1f} {r['p50_ms']:>8.2f} "
                f"{r['p95_ms']:>8.2f} {r['p99_ms']:>8.2f} {r['ratio'] * 100:>8.1f}%"
            )
            if r["non2xx"] or r["socket_errors"]:
                base.log(f"  warning: {r['non2xx']} non-2xx, {r['socket_errors']} socket errors")
        gets = [r for r in results[1:-1] if "no cache" not in r["name"]]
        ok = all(r["p95_ms"] <= TARGET_P95_MS for r in gets)
        base.log("")
        base.log(
            f"GET p95 target ≤ {TARGET_P95_MS:g} ms: {'met' if ok else 'NOT met'} "
            f"({args.workers} × {args.worker_class} workers, {args.connections} connections)"
        )
        report = {
            "benchmark": "feedback",
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine,
            "postgresql": postgres,
            "cache": f"redis {redis}" if redis else "database",
            "data": data,
            "server": {"workers": args.workers, "worker_class": args.worker_class},
            "load": {
                "connections": args.connections,
                "threads": args.wrk_threads,
                "rounds": args.rounds,
                "round_s": round_s,
            },
            "target_p95_ms": TARGET_P95_MS,
            "target_met": ok,
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
