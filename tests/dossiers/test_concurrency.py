"""Dossier codes stay unique when several OS processes submit at the same moment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from django.db import connection

from tests.dossiers.conftest import APPLICANT, FORM

PROCESSES = 4
EACH = 25

CHILD = r"""
import datetime as dt, json, os, sys, time
import django
from django.conf import settings
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xaso.settings_test")
django.setup()
settings.DATABASES["default"]["NAME"] = os.environ["DOSSIER_TEST_DB"]
from xaso.accounts.models import User
from xaso.dossiers import services
from xaso.geo.models import Commune
commune = Commune.objects.get(code=15271)
officer = User.objects.get(username="motcua.hatrung")
applicant = json.loads(os.environ["DOSSIER_APPLICANT"])
form = json.loads(os.environ["DOSSIER_FORM"])
start = float(os.environ["DOSSIER_START"])
now = dt.datetime.fromisoformat(os.environ["DOSSIER_NOW"])  # the parent test's moment
time.sleep(max(0.0, start - time.time()))
codes = []
for _ in range(int(os.environ["DOSSIER_EACH"])):
    d = services.submit_dossier(officer, commune, procedure_code="1.001193", channel="counter",
                                applicant=applicant, form=form, now=now)
    codes.append(d.code)
print(json.dumps(codes))
"""


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="several processes need a shared server database (run with DATABASE_URL=postgres://…)",
)
def test_concurrent_processes_never_share_a_code(transactional_db, procedure, officer, clock):
    import time_machine

    from xaso.dossiers.models import Dossier

    env = {
        **os.environ,
        "DOSSIER_TEST_DB": connection.settings_dict["NAME"],
        "DOSSIER_APPLICANT": json.dumps(APPLICANT),
        "DOSSIER_FORM": json.dumps(FORM),
        # The children run on the real clock: they meet at a real moment and submit at
        # the test's (frozen) one.
        "DOSSIER_START": str(time_machine.escape_hatch.time.time() + 4),
        "DOSSIER_NOW": clock.now.isoformat(),
        "DOSSIER_EACH": str(EACH),
        "PYTHONPATH": os.pathsep.join(filter(None, [os.getcwd(), os.environ.get("PYTHONPATH")])),
    }
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        for _ in range(PROCESSES)
    ]
    codes = []
    for child in children:
        out, err = child.communicate(timeout=240)
        assert child.returncode == 0, err.decode()[-2000:]
        codes += json.loads(out.decode().strip().splitlines()[-1])
    assert len(codes) == PROCESSES * EACH
    assert len(set(codes)) == len(codes), "duplicate dossier codes"
    numbers = sorted(int(c.rsplit("-", 1)[1]) for c in codes)
    # One day's sequence: every child submits at the same moment.
    assert len({c.rsplit("-", 2)[1] for c in codes}) == 1
    assert numbers == list(range(1, PROCESSES * EACH + 1))
    assert Dossier.objects.count() == PROCESSES * EACH
