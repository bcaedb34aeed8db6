"""Foundation benchmark: the hottest public reads against the framework floor.

Run from the project root::

    .venv/bin/python bench/foundation.py [--duration 15] [--connections 16]

What it does:

1. creates a fresh PostgreSQL database (``xaso_bench`` by default), migrates it,
   loads the 34 provinces and 3,321 communes and seeds the demo commune
   (Xã Hà Trung, code 15271);
2. starts gunicorn (2 workers by default) on a free port of 127.0.0.1 with the
   database above and the Redis cache (the deployment recommended at province
   scale), and waits for ``/healthz``;
3. loads each endpoint with ``wrk`` through ``bench/latency.lua``, which reports
   requests/s and p50/p95/p99 latency: a warm-up, then the measured time split into
   rounds that go floor, API, page, floor, … so that other work on the machine
   weighs on all endpoints alike; the share of the CPU taken by other work during
   each round is recorded (``--settle`` waits for a quiet machine);
4. prints a table with the ratio of each endpoint's throughput to the floor
   (``/_floor``, a bare view returning constant JSON through the same stack)
   and writes everything to ``bench/results/foundation.json``;
5. stops gunicorn and drops the database, also on error or Ctrl+C.

Target: every endpoint reaches at least 70 % of the floor's throughput.
This is a benchmark, not a test: it is never run by the test suite.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
BIN = Path(sys.executable).parent
if not (BIN / "gunicorn").exists():  # run with another interpreter: use the project's
    BIN = ROOT / ".venv" / "bin"
LUA_SCRIPT = BENCH_DIR / "latency.lua"
RESULTS_DIR = BENCH_DIR / "results"
RESULT_PREFIX = "XASO_RESULT "
TARGET_RATIO = 0.70
QUIET_PCT = 20  # other work above this share of the CPU makes the figures noisy
DEMO_CODE = "15271"

ENDPOINTS = [
    ("floor", "/_floor"),
    ("commune API", f"/api/v1/communes/{DEMO_CODE}"),
    ("commune home page", f"/x/{DEMO_CODE}/"),
]


class BenchError(RuntimeError):
    pass


def log(message: str) -> None:
    print(message, flush=True)


# --- Machine and environment --------------------------------------------------


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _cpu_times() -> tuple[int, int]:
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return sum(fields[:8]) - idle, idle


def background_load(seconds: float = 2.0) -> float | None:
    """Percentage of the machine's CPU busy while this benchmark is idle: other work
    on the machine makes the figures noisy."""
    try:
        busy0, idle0 = _cpu_times()
        time.sleep(seconds)
        busy1, idle1 = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    total = (busy1 - busy0) + (idle1 - idle0)
    return round(100 * (busy1 - busy0) / total, 1) if total else None


def _proc_fields(pid: int | str) -> list[str]:
    """Fields of /proc/PID/stat after the command name (state first)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _proc_ticks(pid: int | str) -> int:
    try:
        fields = _proc_fields(pid)
        return int(fields[11]) + int(fields[12])  # utime + stime
    except (OSError, IndexError, ValueError):
        return 0


def _bench_pids(server_pgid: int, db_backend_pids: list[int]) -> list[int]:
    """The processes that serve the benchmark: gunicorn (its process group), Redis and
    the PostgreSQL backends of the benchmark database."""
    pids = list(db_backend_pids)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if int(_proc_fields(entry.name)[2]) == server_pgid:
                pids.append(int(entry.name))
            elif (entry / "comm").read_text().strip() == "redis-server":
                pids.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return pids


def cpu_snapshot(server_pgid: int, db_backend_pids: list[int]) -> dict | None:
    """Machine CPU (busy, idle) and the part of it spent by the benchmark itself (the
    server, Redis, the database backends and the finished wrk runs), in clock ticks."""
    import resource

    try:
        busy, idle = _cpu_times()
    except (OSError, ValueError, IndexError):
        return None
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    ours = sum(_proc_ticks(pid) for pid in _bench_pids(server_pgid, db_backend_pids))
    ours += round((children.ru_utime + children.ru_stime) * os.sysconf("SC_CLK_TCK"))
    return {"busy": busy, "idle": idle, "ours": ours}


def other_cpu_pct(before: dict | None, after: dict | None) -> float | None:
    """Share of the machine's CPU that went to other work between two snapshots."""
    if not before or not after:
        return None
    total = (after["busy"] - before["busy"]) + (after["idle"] - before["idle"])
    other = (after["busy"] - before["busy"]) - (after["ours"] - before["ours"])
    return round(max(0.0, 100 * other / total), 1) if total > 0 else None


def redis_version(url: str) -> str:
    """``INFO server`` over a raw socket, so the script needs no Redis client."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 6379), 3) as s:
            s.sendall(b"INFO server\r\n")
            data = b""
            while b"redis_version:" not in data or not data.endswith(b"\r\n"):
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
    except OSError as exc:
        raise BenchError(f"Redis is not reachable at {url}: {exc}") from exc
    for line in data.decode(errors="replace").splitlines():
        if line.startswith("redis_version:"):
            return line.split(":", 1)[1].strip()
    return "unknown"


def package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- Database -----------------------------------------------------------------


def _admin_connection(server_url: str):
    import psycopg

    return psycopg.connect(f"{server_url}/postgres", autocommit=True, connect_timeout=5)


def create_database(server_url: str, name: str) -> str:
    from psycopg import sql

    with _admin_connection(server_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return conn.execute("SHOW server_version").fetchone()[0]


def drop_database(server_url: str, name: str) -> None:
    from psycopg import sql

    with _admin_connection(server_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def db_backend_pids(server_url: str, name: str) -> list[int]:
    try:
        with _admin_connection(server_url) as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,)
            ).fetchall()
    except Exception:  # the accounting is informative only
        return []
    return [row[0] for row in rows]


def data_size(database_url: str) -> dict:
    import psycopg

    with psycopg.connect(database_url, connect_timeout=5) as conn:
        return {
            "provinces": conn.execute("SELECT count(*) FROM geo_province").fetchone()[0],
            "communes": conn.execute("SELECT count(*) FROM geo_commune").fetchone()[0],
            "db_size": conn.execute(
                "SELECT pg_size_pretty(pg_database_size(current_database()))"
            ).fetchone()[0],
        }


# --- Processes ------------------------------------------------------------------


def machine_info() -> dict:
    return {
        "nproc": os.cpu_count(),
        "cpu_model": cpu_model(),
        "ram_gib": ram_gib(),
        "python": sys.version.split()[0],
    }


def server_env(database_url: str, workdir: Path, redis_url: str | None, **extra: str) -> dict:
    """The environment of the server under test and of its management commands: a fresh
    secret key, data in ``workdir``, the in-memory SMS transport, quiet logs; Redis as
    the cache when ``redis_url`` is given. ``extra`` adds or overrides variables."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "XASO_SECRET_KEY": "bench-" + os.urandom(24).hex(),
        "XASO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "XASO_TASKS_BACKEND": "immediate",
        "XASO_SMS_TRANSPORT": "xaso.accounts.sms.MemoryTransport",
        "XASO_DATA_DIR": str(workdir),
        "XASO_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "xaso.settings",
        "PYTHONUNBUFFERED": "1",
        **extra,
    }
    if redis_url:
        env["REDIS_URL"] = redis_url
    else:
        env.pop("REDIS_URL", None)
    env.pop("XASO_DEBUG", None)
    env.pop("XASO_SECRET_KEY_FILE", None)
    return env


def run_manage(env: dict, *args: str, label: str | None = None) -> None:
    started = time.monotonic()
    proc = subprocess.run(
        [str(BIN / "xaso"), *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise BenchError(
            f"`xaso {' '.join(args)}` failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
        )
    log(f"  xaso {label or ' '.join(args):<22} {time.monotonic() - started:5.1f} s")


def start_gunicorn(env: dict, port: int, args: argparse.Namespace, log_path: Path):
    cmd = [
        str(BIN / "gunicorn"),
        "xaso.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(args.workers),
        "--worker-class",
        args.worker_class,
        "--log-level",
        "warning",
        "--error-logfile",
        str(log_path),
        "--timeout",
        "60",
        "--backlog",
        "2048",
    ]
    if args.worker_class == "gthread":
        cmd += ["--threads", str(args.threads)]
    # Own process group: the whole server (master and workers) is stopped together.
    return subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)


def stop_process_group(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)


def fetch(url: str, timeout: float = 5) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def wait_for_health(base: str, proc: subprocess.Popen, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise BenchError(f"gunicorn exited ({proc.returncode}):\n{tail(log_path)}")
        with contextlib.suppress(OSError):
            status, body = fetch(f"{base}/healthz", timeout=2)
            if status == 200 and json.loads(body).get("database") == "ok":
                return
        time.sleep(0.2)
    raise BenchError(f"/healthz did not answer 200 within {timeout:.0f} s:\n{tail(log_path)}")


def tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --- Load -------------------------------------------------------------------------


def run_wrk(
    wrk: str,
    url: str,
    duration: float,
    connections: int,
    threads: int,
    *,
    script: Path = LUA_SCRIPT,
    timeout_s: int = 10,
) -> dict:
    """One wrk run with a script of bench/ that prints the XASO_RESULT line."""
    cmd = [
        wrk,
        f"-t{min(threads, connections)}",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        f"{timeout_s}s",
        "-s",
        str(script),
        url,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise BenchError(
        f"wrk gave no result for {url} ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}"
    )


def check_endpoint(base: str, path: str) -> dict:
    status, body = fetch(base + path)
    if status != 200:
        raise BenchError(f"{path} answered {status}, expected 200:\n{body[:500]!r}")
    return {"status": status, "bytes": len(body)}


def summarise(name: str, path: str, runs: list[dict], response_bytes: int) -> dict:
    """One endpoint over its rounds: throughput over the whole measured time, the
    median of the rounds' latency percentiles, and the worst round's maximum."""
    from statistics import median

    requests = sum(r["requests"] for r in runs)
    seconds = sum(r["duration_s"] for r in runs)
    others = [r["other_cpu_pct"] for r in runs if r.get("other_cpu_pct") is not None]
    return {
        "name": name,
        "path": path,
        "requests": requests,
        "duration_s": round(seconds, 3),
        "rps": requests / seconds if seconds else 0.0,
        "p50_ms": median(r["p50_ms"] for r in runs),
        "p95_ms": median(r["p95_ms"] for r in runs),
        "p99_ms": median(r["p99_ms"] for r in runs),
        "max_ms": max(r["max_ms"] for r in runs),
        "non2xx": sum(r["non2xx"] for r in runs),
        "socket_errors": sum(r["socket_errors"] for r in runs),
        "response_bytes": response_bytes,
        "other_cpu_pct": median(others) if others else None,
        "rounds": runs,
    }


# --- Report -----------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "?" if value is None else f"{value:g} %"


def table(results: list[dict]) -> str:
    header = (
        f"{'endpoint':<26} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
        f"{'vs floor':>8}  {'target':<6} {'other CPU':>9}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        if r["non2xx"]:
            verdict = "ERRORS"  # a figure made of error answers means nothing
        elif r["name"] == "floor":
            verdict = "—"
        else:
            verdict = "ok" if r["ratio"] >= TARGET_RATIO else "BELOW"
        lines.append(
            f"{r['path']:<26} {r['rps']:>8.1f} {r['p50_ms']:>7.2f} {r['p95_ms']:>7.2f} "
            f"{r['p99_ms']:>7.2f} {r['ratio'] * 100:>7.1f}%  {verdict:<6} "
            f"{_pct(r.get('other_cpu_pct')):>9}"
        )
    lines.append(
        "(other CPU: median share of the machine's CPU taken by work other than this "
        "benchmark during the rounds)"
    )
    return "\n".join(lines)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=15, help="seconds measured per endpoint")
    parser.add_argument("--warmup", type=float, default=3, help="seconds of warm-up per endpoint")
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="interleaved rounds the measured time of each endpoint is split into",
    )
    parser.add_argument(
        "--settle",
        type=float,
        default=0,
        help=f"seconds in all to wait, before the rounds, for other work on the machine "
        f"to fall under {QUIET_PCT} %% CPU (0: do not wait)",
    )
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument(
        "--worker-class", choices=["sync", "gthread"], default="sync", help="gunicorn worker class"
    )
    parser.add_argument("--threads", type=int, default=4, help="threads per gthread worker")
    parser.add_argument(
        "--pg-server",
        default=os.environ.get("XASO_BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432"),
        help="PostgreSQL server URL, without database name",
    )
    parser.add_argument("--db-name", default="xaso_bench", help="database created and dropped")
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="Redis cache URL",
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database at the end"
    )
    parser.add_argument(
        "--output", type=Path, default=RESULTS_DIR / "foundation.json", help="JSON results file"
    )
    args = parser.parse_args(argv)
    if args.duration <= 0 or min(args.connections, args.workers, args.rounds) < 1:
        parser.error("--duration, --connections, --workers and --rounds must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    wrk = shutil.which("wrk")
    if wrk is None:
        print(
            "wrk is not installed. On Debian/Ubuntu:\n"
            "    apt-get update -qq && apt-get install -y -qq wrk\n"
            "then run this benchmark again.",
            file=sys.stderr,
        )
        return 2

    # SIGTERM behaves like Ctrl+C so that the clean-up below always runs.
    def _terminate(signum, frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _terminate)

    server_url = args.pg_server.rstrip("/")
    round_s = max(1, round(args.duration / args.rounds))
    database_url = f"{server_url}/{args.db_name}"
    workdir = Path(tempfile.mkdtemp(prefix="xaso-bench-"))
    (workdir / "static").mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": args.redis_url,
        "XASO_SECRET_KEY": "bench-" + os.urandom(24).hex(),
        "XASO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "XASO_TASKS_BACKEND": "immediate",
        "XASO_DATA_DIR": str(workdir),
        "XASO_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("XASO_DEBUG", None)
    env.pop("XASO_SECRET_KEY_FILE", None)
    env.pop("DJANGO_SETTINGS_MODULE", None)

    server = None
    created = False
    started = time.monotonic()
    try:
        machine = {
            "nproc": os.cpu_count(),
            "cpu_model": cpu_model(),
            "ram_gib": ram_gib(),
            "kernel": platform.release(),
            "python": platform.python_version(),
        }
        stack = {
            "django": package_version("Django"),
            "django_ninja": package_version("django-ninja"),
            "gunicorn": package_version("gunicorn"),
            "psycopg": package_version("psycopg"),
            "redis": redis_version(args.redis_url),
            "wrk": subprocess.run(
                [wrk, "-v"], capture_output=True, text=True, check=False
            ).stdout.split(" [")[0],
        }
        log("Xã Số — Foundation benchmark")
        log(
            f"machine : {machine['nproc']} CPU ({machine['cpu_model']}), "
            f"{machine['ram_gib']} GiB RAM, Linux {machine['kernel']}, Python {machine['python']}"
        )
        log(f"setup   : fresh database {args.db_name!r}")
        stack["postgresql"] = create_database(server_url, args.db_name)
        created = True
        run_manage(env, "migrate", "--no-input", "-v0")
        run_manage(env, "createcachetable")
        run_manage(env, "load_units")
        run_manage(env, "seed_demo")
        data = data_size(database_url)
        # The card of the demo commune may be left in Redis from an earlier run.
        run_manage(
            env,
            "shell",
            "-c",
            f"from django.core.cache import cache; cache.delete('geo:card:{int(DEMO_CODE)}')",
            label="shell (forget the cached card)",
        )

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = workdir / "gunicorn.log"
        server_desc = f"gunicorn {stack['gunicorn']}, {args.workers} × {args.worker_class}"
        if args.worker_class == "gthread":
            server_desc += f" ({args.threads} threads)"
        server = start_gunicorn(env, port, args, server_log)
        wait_for_health(base, server, server_log)

        background = background_load()
        machine["background_cpu_pct"] = background
        machine["loadavg"] = os.getloadavg()
        log(
            f"data    : {data['provinces']} provinces, {data['communes']:,} communes "
            f"(database {data['db_size']})"
        )
        log(
            f"stack   : PostgreSQL {stack['postgresql']}, Redis {stack['redis']} (cache), "
            f"Django {stack['django']}, {server_desc}"
        )
        log(
            f"load    : {stack['wrk']}, {args.wrk_threads} threads, "
            f"{args.connections} connections, "
            f"{args.warmup:g} s warm-up + {args.rounds} × {round_s} s per endpoint "
            f"(interleaved), {base}"
        )
        if background is not None:
            log(f"other   : {background:g} % of the CPU busy with other work just before the load")
            if background > QUIET_PCT:
                log("  warning: the machine is busy with other work; the figures will be noisy")
        log("")

        # Endpoints are measured in interleaved rounds (floor, API, page, floor, …) so
        # that a burst of load from elsewhere on the machine hits all of them alike
        # and the ratios to the floor stay meaningful.
        probes = {path: check_endpoint(base, path) for _name, path in ENDPOINTS}
        if args.warmup > 0:
            for _name, path in ENDPOINTS:
                run_wrk(wrk, base + path, args.warmup, args.connections, args.wrk_threads)
        rounds: dict[str, list[dict]] = {path: [] for _name, path in ENDPOINTS}
        settle_left = args.settle
        for number in range(1, args.rounds + 1):
            for _name, path in ENDPOINTS:
                # How busy the machine is with other work right before this run; with
                # --settle, wait (up to that many seconds in all) for it to calm down.
                other = background_load(0.5)
                while other is not None and other > QUIET_PCT and settle_left > 0:
                    settle_left -= 1
                    time.sleep(0.5)
                    other = background_load(0.5)
                backends = db_backend_pids(server_url, args.db_name)
                before = cpu_snapshot(server.pid, backends)
                run = run_wrk(wrk, base + path, round_s, args.connections, args.wrk_threads)
                during = other_cpu_pct(before, cpu_snapshot(server.pid, backends))
                if server.poll() is not None:
                    raise BenchError(f"gunicorn died during the run:\n{tail(server_log)}")
                run["background_cpu_pct"] = other
                run["other_cpu_pct"] = during
                rounds[path].append(run)
                log(
                    f"  round {number}/{args.rounds} {path:<28} {run['rps']:8.1f} req/s"
                    f"   (other work: {_pct(other)} before, {_pct(during)} during)"
                )
        results = [
            summarise(name, path, rounds[path], probes[path]["bytes"]) for name, path in ENDPOINTS
        ]
        for r in results:
            if r["non2xx"] or r["socket_errors"]:
                log(
                    f"  warning: {r['path']}: {r['non2xx']} non-2xx answers, "
                    f"{r['socket_errors']} socket errors"
                )

        floor_rps = results[0]["rps"]
        for r in results:
            r["ratio"] = r["rps"] / floor_rps if floor_rps else 0.0
            r["meets_target"] = not r["non2xx"] and (
                r["name"] == "floor" or r["ratio"] >= TARGET_RATIO
            )

        log("")
        log(table(results))
        below = [r["path"] for r in results if not r["meets_target"]]
        log("")
        if below:
            log(f"Below the {TARGET_RATIO:.0%} target (or with error answers): {', '.join(below)}")
        else:
            log(f"Every endpoint reaches at least {TARGET_RATIO:.0%} of the floor's throughput.")

        report = {
            "benchmark": "foundation",
            "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "machine": machine,
            "stack": stack,
            "data": data,
            "server": {
                "workers": args.workers,
                "worker_class": args.worker_class,
                "threads": args.threads if args.worker_class == "gthread" else 1,
                "cache": "redis",
                "database": "postgresql",
            },
            "load": {
                "tool": "wrk",
                "threads": args.wrk_threads,
                "connections": args.connections,
                "warmup_s": args.warmup,
                "settle_s": args.settle,
                "rounds": args.rounds,
                "round_s": round_s,
                "duration_s": args.rounds * round_s,
            },
            "target_ratio": TARGET_RATIO,
            "results": results,
            "all_meet_target": not below,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        log(f"Results written to {args.output} ({time.monotonic() - started:.0f} s in all).")
        return 0
    except BenchError as exc:
        print(f"benchmark failed: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("benchmark interrupted", file=sys.stderr)
        return 130
    finally:
        stop_process_group(server)
        if created and not args.keep_db:
            try:
                drop_database(server_url, args.db_name)
            except Exception as exc:  # report, but never mask the real outcome
                print(f"could not drop database {args.db_name!r}: {exc}", file=sys.stderr)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
