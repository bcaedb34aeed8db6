"""Trust anchors and revocation lists are managed in the admin, checked on the way in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from xaso.signatures.models import RevocationList, TrustAnchor

pytestmark = pytest.mark.dates


@pytest.fixture
def admin_client(client, db):
    from xaso.accounts.models import User

    admin = User.objects.create_superuser("root", "root@example.vn", "x-very-long-password-1")
    client.force_login(admin)
    return client


def test_a_pem_trust_anchor_is_parsed_and_a_bad_one_refused(admin_client, ca):
    url = "/quan-tri/signatures/trustanchor/add/"
    bad = admin_client.post(
        url, {"name": "Hỏng", "certificate_pem": "không phải PEM", "active": "on"}
    )
    assert bad.status_code == 200 and "Không đọc được chứng thư số" in bad.content.decode()
    assert not TrustAnchor.objects.exists()
    ok = admin_client.post(
        url, {"name": "Gốc", "certificate_pem": ca.root.pem.decode(), "active": "on"}
    )
    assert ok.status_code == 302
    anchor = TrustAnchor.objects.get()
    assert "Root CA" in anchor.subject and anchor.not_after is not None


def test_a_crl_upload_records_issuer_and_dates(admin_client, ca):
    revoked = ca.issue("Bị thu hồi")
    r = admin_client.post(
        "/quan-tri/signatures/revocationlist/add/",
        {"upload": SimpleUploadedFile("ca.crl", ca.crl([revoked.cert])), "active": "on"},
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    crl = RevocationList.objects.get()
    assert crl.issuer == "Xã Số Test Signing CA"
    assert crl.revoked_count == 1 and crl.next_update is not None
