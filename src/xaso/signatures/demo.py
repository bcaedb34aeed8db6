"""Demo signing setup for Xã Hà Trung, so a fresh installation can sign out of the box.

A demo CA (root → intermediate) is generated with :mod:`xaso.signatures.testca`, its
root becomes a trust anchor, and it issues a personal certificate for the chairman
(``chutich.hatrung``), the vice-chairman (``phochutich.hatrung``) and an organisation
certificate for UBND xã Hà Trung. Every PKCS#12 file is protected by
``testca.DEMO_PASSPHRASE`` (``xaso-demo-2026``). Safe to run again: nothing is
created twice.
"""

from __future__ import annotations

import datetime as dt

from xaso.accounts.demo import DEMO_COMMUNE_CODE
from xaso.accounts.models import User
from xaso.geo.models import Commune
from xaso.signatures import services, testca
from xaso.signatures.models import SigningCredential, TrustAnchor

ROOT_NAME = "Xã Số Demo Root CA (chỉ dùng thử)"
ORGANISATION = "UBND xã Hà Trung"
PEOPLE = [("chutich.hatrung", "Chủ tịch UBND xã"), ("phochutich.hatrung", "Phó Chủ tịch UBND xã")]


def seed(*, now: dt.datetime) -> dict:
    """The demo certificates are valid from a year before ``now`` (the demo's reference
    moment) to a year after it: a signature is made at the clock's moment (PAdES signing
    time), which may lie on either side of the reference moment."""
    commune = Commune.objects.get(code=DEMO_COMMUNE_CODE)
    if TrustAnchor.objects.filter(name=ROOT_NAME).exists():
        return {"credentials": SigningCredential.objects.filter(commune=commune).count()}
    ca = testca.TestCA("Xã Số Demo", now=now - dt.timedelta(days=365))
    services.add_trust_anchor(None, name=ROOT_NAME, pem=ca.root.pem.decode())
    created = 0
    for username, title in PEOPLE:
        user = User.objects.filter(username=username).first()
        if user is None:
            continue
        issued = ca.issue(user.display_name, organisation=ORGANISATION, title=title)
        services.add_pkcs12_credential(
            user,
            commune,
            kind=SigningCredential.Kind.PERSONAL,
            data=issued.pkcs12(testca.DEMO_PASSPHRASE),
            passphrase=testca.DEMO_PASSPHRASE,
            label=f"{user.display_name} (demo)",
            now=now,
        )
        created += 1
    admin = User.objects.filter(username="quantri.hatrung").first()
    if admin is not None:
        issued = ca.issue(ORGANISATION, organisation=ORGANISATION)
        services.add_pkcs12_credential(
            admin,
            commune,
            kind=SigningCredential.Kind.ORGANISATION,
            data=issued.pkcs12(testca.DEMO_PASSPHRASE),
            passphrase=testca.DEMO_PASSPHRASE,
            label=f"{ORGANISATION} (demo)",
            now=now,
        )
        created += 1
    return {"credentials": created}
