"""Signatures benchmark: PAdES signing and verification throughput (documents/s).

Run from the project root::

    .venv/bin/python bench/signatures.py [--seconds 10] [--processes 1 2] [--pages 1 50]

What it does:

1. sets up a throw-away database (SQLite in a temporary folder, or ``--database-url``
   for PostgreSQL), migrates it, loads the units and the demo officials, generates a
   CA with :mod:`xaso.signatures.testca` (RSA-2048, root → intermediate → signer),
   stores the root as a trust anchor and the chairman's PKCS#12 credential;
2. generates a 1-page and a 50-page PDF (``testca.sample_pdf``);
3. for each size, with and without the visible appearance, calls the real services
   in a loop for ``--seconds``: ``sign_pdf`` (PKCS#12 opened with its passphrase on
   every call, as in production; audit row written) and ``verify_pdf`` (chain
   building to the trust anchor, difference analysis) — in one process, then in
   ``N`` forked processes for each ``N`` of ``--processes``;
4. prints documents/s and mean milliseconds per document, and writes
   ``bench/results/signatures.json``.

No network: there is no timestamp authority and revocation data is not fetched.
This is a benchmark, never run by the test suite.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from django.utils import timezone

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
sys.path.insert(0, str(ROOT / "src"))

PASS = "xaso-demo-2026"  # noqa: S105 - the documented demo passphrase
STATE: dict = {}


def setup(database_url: str, workdir: Path) -> None:
    os.environ.update(
        {
            "DATABASE_URL": database_url,
            "XASO_SECRET_KEY": "bench-" + os.urandom(24).hex(),
            "XASO_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "XASO_TASKS_BACKEND": "immediate",
            "XASO_SMS_TRANSPORT": "xaso.accounts.sms.MemoryTransport",
            "XASO_DATA_DIR": str(workdir),
            "XASO_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "xaso.settings",
        }
    )
    os.environ.pop("XASO_DEBUG", None)
    os.environ.pop("REDIS_URL", None)
    import django

    django.setup()
    from django.core.management import call_command

    started = time.monotonic()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    from xaso.accounts.demo import seed
    from xaso.geo.services import load_units

    load_units()
    seed(now=timezone.now())
    print(f"  database ready in {time.monotonic() - started:.1f} s", file=sys.stderr)


def prepare() -> None:
    from xaso.accounts.models import User
    from xaso.geo.models import Commune
    from xaso.signatures import services
    from xaso.signatures.testca import TestCA

    ca = TestCA("Bench")
    services.add_trust_anchor(None, name="Bench root", pem=ca.root.pem.decode())
    leader = User.objects.get(username="chutich.hatrung")
    commune = Commune.objects.get(code=15271)
    issued = ca.issue("Lê Văn Hùng", organisation="UBND xã Hà Trung", title="Chủ tịch")
    credential = services.add_pkcs12_credential(
        leader, commune, kind="personal", data=issued.pkcs12(PASS), passphrase=PASS
    )
    STATE.update(leader_id=leader.pk, credential_id=credential.pk)


def _objects():
    from xaso.accounts.models import User
    from xaso.signatures.models import SigningCredential

    return User.objects.get(pk=STATE["leader_id"]), SigningCredential.objects.get(
        pk=STATE["credential_id"]
    )


def _appearance(visible: bool):
    from xaso.signatures.services import Appearance

    if not visible:
        return None
    return Appearance("Lê Văn Hùng", title="Chủ tịch", prefix="TM.", organisation="Ủy ban nhân dân")


def sign_loop(pdf: bytes, visible: bool, seconds: float) -> tuple[int, float]:
    from xaso.signatures.services import sign_pdf

    leader, credential = _objects()
    appearance = _appearance(visible)
    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or count == 0:
        sign_pdf(pdf, credential=credential, secret=PASS, actor=leader, appearance=appearance)
        count += 1
    return count, time.perf_counter() - started


def verify_loop(signed: bytes, seconds: float) -> tuple[int, float]:
    from xaso.signatures.services import verify_pdf

    count, started = 0, time.perf_counter()
    while time.perf_counter() - started < seconds or count == 0:
        reports = verify_pdf(signed)
        assert reports and reports[0].verdict == "valid", reports
        count += 1
    return count, time.perf_counter() - started


def _child(task):
    from django.db import connections

    connections.close_all()  # a forked child opens its own connection
    kind, payload, visible, seconds = task
    if kind == "sign":
        return sign_loop(payload, visible, seconds)
    return verify_loop(payload, seconds)


def run(kind: str, payload: bytes, visible: bool, seconds: float, processes: int) -> dict:
    if processes == 1:
        count, elapsed = (
            sign_loop(payload, visible, seconds)
            if kind == "sign"
            else verify_loop(payload, seconds)
        )
        results = [(count, elapsed)]
    else:
        from django.db import connections

        connections.close_all()
        with mp.get_context("fork").Pool(processes) as pool:
            results = pool.map(_child, [(kind, payload, visible, seconds)] * processes)
    docs = sum(c for c, _ in results)
    wall = max(e for _, e in results)
    return {
        "documents": docs,
        "seconds": round(wall, 2),
        "docs_per_s": round(docs / wall, 2),
        "ms_per_doc": round(1000 * sum(e for _, e in results) / docs, 1),
    }


def table(rows: list[dict]) -> str:
    head = (
        f"{'operation':<9} {'pages':>5} {'appearance':<10} {'procs':>5} "
        f"{'docs':>6} {'docs/s':>8} {'ms/doc':>8}"
    )
    lines = [head, "-" * len(head)]
    for r in rows:
        look = "visible" if r["visible"] else "invisible"
        lines.append(
            f"{r['operation']:<9} {r['pages']:>5} {look:<10} {r['processes']:>5} "
            f"{r['documents']:>6} {r['docs_per_s']:>8.2f} {r['ms_per_doc']:>8.1f}"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10, help="measured seconds per case")
    parser.add_argument("--pages", type=int, nargs="+", default=[1, 50], help="PDF sizes in pages")
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2], help="process counts")
    parser.add_argument(
        "--database-url", default=None, help="PostgreSQL URL of an empty database (default: SQLite)"
    )
    parser.add_argument("--output", type=Path, default=BENCH_DIR / "results" / "signatures.json")
    args = parser.parse_args(argv)

    workdir = Path(tempfile.mkdtemp(prefix="xaso-bench-signatures-"))
    try:
        setup(args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}", workdir)
        prepare()
        from xaso.signatures.services import sign_pdf
        from xaso.signatures.testca import sample_pdf

        rows = []
        for pages in args.pages:
            pdf = sample_pdf(pages)
            leader, credential = _objects()
            for visible in (False, True):
                signed = sign_pdf(
                    pdf,
                    credential=credential,
                    secret=PASS,
                    actor=leader,
                    appearance=_appearance(visible),
                )
                for processes in args.processes:
                    for operation, payload in (("sign", pdf), ("verify", signed)):
                        result = run(operation, payload, visible, args.seconds, processes)
                        rows.append(
                            {
                                "operation": operation,
                                "pages": pages,
                                "pdf_bytes": len(payload),
                                "visible": visible,
                                "processes": processes,
                                **result,
                            }
                        )
                        print(table(rows[-1:]).splitlines()[-1], file=sys.stderr)
        print()
        print(table(rows))
        from importlib.metadata import version

        from django.db import connection

        report = {
            "benchmark": "signatures",
            "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": {"cpu_count": os.cpu_count(), "python": platform.python_version()},
            "database": connection.vendor,
            "pyhanko": version("pyHanko"),
            "key": "RSA-2048, SHA-256, PAdES B-B, PKCS#12 opened on every signature",
            "seconds_per_case": args.seconds,
            "results": rows,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", "utf-8")
        print("\nwritten", args.output)
        return 0
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
