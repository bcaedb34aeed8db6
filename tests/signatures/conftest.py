"""Signature fixtures: a certificate authority built inside the suite, PDFs made with
pyHanko's writer, and credentials stored through the real services."""

from __future__ import annotations

import pytest

from tests.conftest import user
from xaso.signatures.testca import DEMO_PASSPHRASE, TestCA, sample_pdf

PASS = DEMO_PASSPHRASE


@pytest.fixture(scope="session")
def ca() -> TestCA:
    return TestCA("Xã Số Test")


@pytest.fixture
def pdf() -> bytes:
    return sample_pdf()


@pytest.fixture
def trust(db, ca):
    """The suite's root CA as an active trust anchor."""
    from xaso.signatures.services import add_trust_anchor

    return add_trust_anchor(None, name="Xã Số Test Root", pem=ca.root.pem.decode())


@pytest.fixture
def leader(demo):
    return user("chutich.hatrung")


@pytest.fixture
def clerk(demo):
    return user("vanthu.hatrung")


@pytest.fixture
def personal(ca, leader, commune_a):
    from xaso.signatures.services import add_pkcs12_credential

    issued = ca.issue("Lê Văn Hùng", organisation="UBND xã Hà Trung", title="Chủ tịch")
    cred = add_pkcs12_credential(
        leader, commune_a, kind="personal", data=issued.pkcs12(PASS), passphrase=PASS
    )
    cred.issued = issued
    return cred


@pytest.fixture
def organisation(ca, demo, commune_a):
    from xaso.signatures.services import add_pkcs12_credential

    issued = ca.issue("UBND xã Hà Trung", organisation="UBND xã Hà Trung")
    cred = add_pkcs12_credential(
        user("quantri.hatrung"),
        commune_a,
        kind="organisation",
        data=issued.pkcs12(PASS),
        passphrase=PASS,
    )
    cred.issued = issued
    return cred
