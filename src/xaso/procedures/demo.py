"""Demo data: the national template catalog in each demo commune."""

from __future__ import annotations

import datetime as dt

from xaso.accounts.demo import DEMO_COMMUNE_CODE, OTHER_COMMUNE_CODE
from xaso.geo.models import Commune
from xaso.procedures.services import install_catalog


def seed(*, now: dt.datetime) -> dict:
    """The catalog is the same whatever ``now`` (the demo's reference moment) is."""
    out = {}
    for code in (DEMO_COMMUNE_CODE, OTHER_COMMUNE_CODE):
        commune = Commune.objects.filter(code=code).first()
        if commune is not None:
            out[commune.code_str] = install_catalog(commune)["created"]
    return out
