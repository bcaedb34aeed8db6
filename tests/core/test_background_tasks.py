"""The SMS task goes through the real queues: the database worker and RQ on Redis.

Each case runs the ``xaso`` command in a subprocess against its own SQLite file,
as a deployment would: enqueue from one process, deliver from the worker.
"""

import os
import subprocess
import sys

import pytest

ENQUEUE = (
    "import django; django.setup();"
    "from xaso.accounts.tasks import send_sms_task;"
    "print(send_sms_task.enqueue(to='0912000001', body='Xin chao tu hang doi').id)"
)


def run(args, env, timeout=120):
    return subprocess.run(
        args, env=env, capture_output=True, text=True, timeout=timeout, check=True
    )


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "xaso.settings",
        "XASO_ALLOW_INSECURE_KEY": "1",
        "XASO_SQLITE_PATH": str(tmp_path / "tasks.sqlite3"),
        "XASO_DATA_DIR": str(tmp_path),
        "XASO_SMS_TRANSPORT": "xaso.accounts.sms.ConsoleTransport",
        "DATABASE_URL": "",
    }


def xaso(*args):
    return [sys.executable, "-m", "xaso.manage", *args]


def test_database_worker_delivers_the_sms(env):
    env["XASO_TASKS_BACKEND"] = "database"
    run(xaso("migrate", "-v0"), env)
    run([sys.executable, "-c", ENQUEUE], env)
    out = run(xaso("db_worker", "--batch", "--no-startup-delay", "--no-reload"), env)
    assert "[SMS → 0912000001] Xin chao tu hang doi" in out.stdout


def test_rq_worker_delivers_the_sms(env):
    redis = pytest.importorskip("redis")
    url = os.environ.get("XASO_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {url}")
    env.update({"XASO_TASKS_BACKEND": "rq", "REDIS_URL": url})
    redis.Redis.from_url(url).flushdb()
    run(xaso("migrate", "-v0"), env)
    run([sys.executable, "-c", ENQUEUE], env)
    out = run(xaso("rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job"), env)
    assert "[SMS → 0912000001] Xin chao tu hang doi" in out.stdout + out.stderr
