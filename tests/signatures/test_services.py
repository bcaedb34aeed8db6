"""Signing and verification through the services, with the suite's own CA."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader

from tests.conftest import user
from tests.signatures.conftest import PASS
from tests.signatures.helpers import append_page_text, dummy_timestamper, raw_sign
from xaso.audit.models import AuditEvent
from xaso.core.problems import Problem
from xaso.signatures import services
from xaso.signatures.models import SigningCredential
from xaso.signatures.services import Appearance, sign_pdf, verify_pdf
from xaso.signatures.testca import TestCA, sample_pdf, self_signed

pytestmark = pytest.mark.dates

LEADER_BLOCK = Appearance(
    "Lê Văn Hùng", title="Chủ tịch", prefix="TM.", organisation="Ủy ban nhân dân"
)


def test_a_signed_pdf_verifies_as_valid_intact_and_trusted(pdf, personal, leader, trust):
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader, reason="Phê duyệt")
    [report] = verify_pdf(signed)
    assert report.verdict == "valid"
    assert report.intact and report.trusted
    assert not report.modified_after_signing and not report.expired and not report.revoked
    assert report.signer == "Lê Văn Hùng"
    assert report.organisation == "UBND xã Hà Trung"
    assert report.signing_time is not None
    assert "hợp lệ" in report.message
    assert signed.startswith(pdf)  # an incremental update: the original bytes are kept


def test_signing_is_audited_and_the_secret_is_not_recorded(pdf, personal, leader, trust):
    sign_pdf(pdf, credential=personal, secret=PASS, actor=leader)
    event = AuditEvent.objects.filter(action="signatures.signed").latest("id")
    assert event.actor == leader
    assert PASS not in str(event.detail)
    stored = SigningCredential.objects.get(pk=personal.pk)
    assert PASS.encode() not in bytes(stored.pkcs12)


def test_a_one_byte_change_inside_the_signed_range_is_caught(pdf, personal, leader, trust):
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader)
    at = signed.index(b"noi dung")
    tampered = signed[:at] + b"m" + signed[at + 1 :]
    [report] = verify_pdf(tampered)
    assert not report.intact
    assert report.verdict == "modified"


def test_content_appended_after_signing_keeps_the_signature_intact_but_is_flagged(
    pdf, personal, leader, trust
):
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader)
    [report] = verify_pdf(append_page_text(signed))
    assert report.intact
    assert report.modified_after_signing
    # Decided: a change of the page content after signing invalidates the document.
    assert report.verdict == "modified"
    assert "sau khi ký" in report.message


def test_personal_then_organisation_signature_are_both_valid(
    pdf, personal, organisation, leader, clerk, trust
):
    first = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader, appearance=LEADER_BLOCK)
    both = sign_pdf(
        first,
        credential=organisation,
        secret=PASS,
        actor=clerk,
        appearance=Appearance("UBND xã Hà Trung", organisation="UBND xã Hà Trung"),
    )
    reports = verify_pdf(both)
    assert [r.verdict for r in reports] == ["valid", "valid"]
    assert reports[0].modified_after_signing  # the seal came later, which is allowed
    assert not reports[1].modified_after_signing
    assert reports[1].signer == "UBND xã Hà Trung"


def test_the_seal_overlaps_the_left_third_of_the_signers_image(
    pdf, personal, organisation, leader, clerk, trust
):
    from xaso.signatures import appearance as art

    first = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader, appearance=LEADER_BLOCK)
    both = sign_pdf(
        first, credential=organisation, secret=PASS, actor=clerk, appearance=Appearance("UBND")
    )
    rects = {name: rect for name, rect in _widgets(both)}
    p = rects["XaSo-personal-1"]
    s = rects["XaSo-organisation-2"]
    image_left = p[0] + art.IMAGE_FRAME[0] * (p[2] - p[0])
    image_width = (art.IMAGE_FRAME[2] - art.IMAGE_FRAME[0]) * (p[2] - p[0])
    assert s[2] == pytest.approx(image_left + image_width / 3, abs=1)
    assert s[1] < p[1] + art.IMAGE_FRAME[1] * (p[3] - p[1]) < s[3]


def _widgets(pdf: bytes):
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(pdf))
    for name, _value, ref in enumerate_sig_fields(reader):
        yield str(name), [float(v) for v in ref.get_object()["/Rect"]]


def test_a_visible_signature_has_an_appearance_stream(pdf, personal, leader, trust):
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader, appearance=LEADER_BLOCK)
    from pyhanko.sign.fields import enumerate_sig_fields

    reader = PdfFileReader(io.BytesIO(signed))
    [(_name, _value, ref)] = list(enumerate_sig_fields(reader))
    widget = ref.get_object()
    llx, lly, urx, ury = (float(v) for v in widget["/Rect"])
    assert urx - llx > 100 and ury - lly > 50
    normal = widget["/AP"]["/N"]
    assert normal["/Subtype"] == "/Form"
    assert normal.data  # it draws something: the image of the block
    assert "/XObject" in normal["/Resources"]


def test_an_invisible_signature_has_no_visible_box(pdf, personal, leader, trust):
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader)
    [(_name, rect)] = list(_widgets(signed))
    assert rect[2] - rect[0] == 0


def test_the_default_images_are_drawn_in_blue_and_red():
    from xaso.signatures import appearance as art

    sig = art.default_signature("Lê Văn Hùng")
    seal = art.default_seal("UBND xã Hà Trung")
    blue = [p for p in _pixels(sig) if p[3] > 200]
    red = [p for p in _pixels(seal) if p[3] > 200]
    assert blue and all(p[:3] == art.BLUE for p in blue)
    # Rotated letters are resampled: their edges are near, not exactly, the seal's red.
    assert red and all(p[0] > 150 and p[1] < 90 and p[2] < 90 for p in red)


def _pixels(img):
    data = img.convert("RGBA").tobytes()
    return [tuple(data[i : i + 4]) for i in range(0, len(data), 4)]


def test_an_uploaded_signature_on_white_paper_is_recoloured_blue_on_transparent():
    from PIL import Image, ImageDraw

    from xaso.signatures import appearance as art

    img = Image.new("RGB", (200, 80), "white")
    ImageDraw.Draw(img).line([(10, 60), (190, 20)], fill="black", width=6)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    out = art.recolour(buf.getvalue(), art.BLUE)
    corner = out.getpixel((0, 0)) if out.getpixel((0, 0))[3] == 0 else None
    assert corner is not None or out.width < 200  # white paper is transparent or cropped
    strokes = [p for p in _pixels(out) if p[3] > 200]
    assert strokes and all(p[:3] == art.BLUE for p in strokes)


def test_an_expired_certificate_cannot_be_stored_nor_used(ca, leader, commune_a, pdf):
    now = dt.datetime.now(dt.UTC)
    old = ca.issue(
        "Lê Văn Hùng", not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=1)
    )
    with pytest.raises(Problem) as exc:
        services.add_pkcs12_credential(
            leader, commune_a, kind="personal", data=old.pkcs12(PASS), passphrase=PASS
        )
    assert exc.value.status == 422 and "hết hạn" in str(exc.value.message)
    # A credential stored while valid and expired since is refused at signing time.
    credential = SigningCredential.objects.create(
        commune=commune_a, kind="personal", owner=leader, label="cũ", pkcs12=old.pkcs12(PASS)
    )
    with pytest.raises(Problem) as exc:
        sign_pdf(pdf, credential=credential, secret=PASS, actor=leader)
    assert exc.value.code == "certificate-expired"


def test_a_signature_by_an_expired_certificate_gets_the_expired_verdict(ca, pdf, trust):
    now = dt.datetime.now(dt.UTC)
    old = ca.issue(
        "Cán bộ cũ", not_before=now - dt.timedelta(days=400), not_after=now - dt.timedelta(days=1)
    )
    [report] = verify_pdf(raw_sign(pdf, old))
    assert report.intact
    assert report.expired
    assert report.verdict == "expired"
    assert "hết hạn" in report.message


def test_a_revoked_certificate_gets_the_revoked_verdict(ca, pdf, personal, leader, trust):
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader)
    services.add_revocation_list(None, ca.crl([personal.issued.cert]))
    [report] = verify_pdf(signed)
    assert report.revoked
    assert report.verdict == "revoked"
    assert "thu hồi" in report.message


def test_a_crl_that_does_not_list_the_certificate_keeps_it_valid(ca, pdf, personal, leader, trust):
    other = ca.issue("Người khác")
    services.add_revocation_list(None, ca.crl([other.cert]))
    [report] = verify_pdf(sign_pdf(pdf, credential=personal, secret=PASS, actor=leader))
    assert report.verdict == "valid"


def test_a_self_signed_certificate_is_untrusted(pdf, trust):
    [report] = verify_pdf(raw_sign(pdf, self_signed("Ai đó", "Không rõ")))
    assert report.intact
    assert not report.trusted
    assert report.verdict == "untrusted"


def test_a_certificate_of_an_unknown_ca_is_untrusted(pdf, trust):
    stranger = TestCA("CA lạ", key_kind="ec").issue("Người lạ")
    [report] = verify_pdf(raw_sign(pdf, stranger))
    assert report.verdict == "untrusted"


def test_nothing_is_trusted_without_a_trust_anchor(pdf, personal, leader):
    [report] = verify_pdf(sign_pdf(pdf, credential=personal, secret=PASS, actor=leader))
    assert report.intact and report.verdict == "untrusted"


def test_trust_anchors_can_come_from_pem_files_in_settings(
    pdf, personal, leader, ca, settings, tmp_path
):
    path = tmp_path / "root.pem"
    path.write_bytes(ca.root.pem)
    settings.XASO_TRUST_ANCHORS = [str(path)]
    [report] = verify_pdf(sign_pdf(pdf, credential=personal, secret=PASS, actor=leader))
    assert report.verdict == "valid"


def test_a_wrong_passphrase_is_a_clear_error_and_nothing_is_stored(ca, leader, commune_a):
    issued = ca.issue("Lê Văn Hùng")
    before = SigningCredential.objects.count()
    with pytest.raises(Problem) as exc:
        services.add_pkcs12_credential(
            leader, commune_a, kind="personal", data=issued.pkcs12(PASS), passphrase="sai-mat-khau"
        )
    assert exc.value.status == 422
    assert "mật khẩu không đúng" in str(exc.value.message)
    assert SigningCredential.objects.count() == before


def test_a_wrong_passphrase_at_signing_time_is_refused(pdf, personal, leader):
    with pytest.raises(Problem) as exc:
        sign_pdf(pdf, credential=personal, secret="sai", actor=leader)
    assert exc.value.code == "wrong-passphrase"


def test_only_the_owner_signs_with_a_personal_credential(pdf, personal, clerk):
    with pytest.raises(Problem) as exc:
        sign_pdf(pdf, credential=personal, secret=PASS, actor=clerk)
    assert exc.value.status == 403


def test_only_a_clerk_or_leader_of_the_commune_uses_the_organisation_credential(
    pdf, organisation, demo
):
    for username in ("chuyenvien.hatrung", "quantri.hatrung", "quantri.xakhac"):
        with pytest.raises(Problem) as exc:
            sign_pdf(pdf, credential=organisation, secret=PASS, actor=user(username))
        assert exc.value.status == 403
    assert sign_pdf(pdf, credential=organisation, secret=PASS, actor=user("chutich.hatrung"))


def test_only_the_commune_admin_adds_the_organisation_credential(ca, leader, commune_a, commune_b):
    from django.core.exceptions import PermissionDenied

    issued = ca.issue("UBND xã Hà Trung")
    with pytest.raises(PermissionDenied):
        services.add_pkcs12_credential(
            leader, commune_a, kind="organisation", data=issued.pkcs12(PASS), passphrase=PASS
        )
    with pytest.raises(PermissionDenied):
        services.add_pkcs12_credential(
            user("quantri.xakhac"),
            commune_a,
            kind="organisation",
            data=issued.pkcs12(PASS),
            passphrase=PASS,
        )


def test_a_deactivated_credential_cannot_sign(pdf, personal, leader):
    services.deactivate(leader, personal)
    with pytest.raises(Problem) as exc:
        sign_pdf(pdf, credential=personal, secret=PASS, actor=leader)
    assert exc.value.status == 403


@pytest.mark.parametrize("data", [b"hello", b"", b"%PDF-1.7\ngarbage"])
def test_a_non_pdf_is_refused(data, personal, leader):
    with pytest.raises(Problem) as exc:
        sign_pdf(data, credential=personal, secret=PASS, actor=leader)
    assert exc.value.status == 422
    with pytest.raises(Problem) as exc:
        verify_pdf(data)
    assert exc.value.status == 422


def test_a_pdf_without_signatures_gives_an_empty_list(pdf, db):
    assert verify_pdf(pdf) == []


def test_an_unknown_prefix_is_refused(pdf, personal, leader):
    with pytest.raises(Problem):
        sign_pdf(
            pdf,
            credential=personal,
            secret=PASS,
            actor=leader,
            appearance=Appearance("A", prefix="CV."),
        )


def test_a_fifty_page_document_is_signed_on_its_last_page(personal, leader, trust):
    pdf = sample_pdf(50)
    signed = sign_pdf(pdf, credential=personal, secret=PASS, actor=leader, appearance=LEADER_BLOCK)
    reader = PdfFileReader(io.BytesIO(signed))
    from pyhanko.sign.fields import enumerate_sig_fields

    [(_n, _v, ref)] = list(enumerate_sig_fields(reader))
    assert ref.get_object().raw_get("/P").idnum == reader.find_page_for_modification(49)[0].idnum
    assert verify_pdf(signed)[0].verdict == "valid"


def test_a_timestamp_is_added_when_a_tsa_is_configured(
    pdf, personal, leader, trust, ca, monkeypatch
):
    monkeypatch.setattr(services, "get_timestamper", lambda: dummy_timestamper(ca))
    [report] = verify_pdf(sign_pdf(pdf, credential=personal, secret=PASS, actor=leader))
    assert report.timestamp_time is not None
    assert abs(report.timestamp_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=1)
    assert report.verdict == "valid"


def test_no_timestamp_without_a_tsa(pdf, personal, leader, trust, settings):
    settings.XASO_TSA_URL = None
    [report] = verify_pdf(sign_pdf(pdf, credential=personal, secret=PASS, actor=leader))
    assert report.timestamp_time is None


def test_a_configured_tsa_url_gives_an_http_timestamper(settings):
    settings.XASO_TSA_URL = "http://tsa.example.vn/tsa"
    from pyhanko.sign.timestamps import HTTPTimeStamper

    assert isinstance(services.get_timestamper(), HTTPTimeStamper)


def test_a_timestamp_keeps_a_signature_valid_after_the_certificate_expires(pdf, ca, trust, clock):
    """PAdES B-T: the timestamp proves the signature was made while the certificate was valid."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    short = ca.issue("Cán bộ", not_after=now + dt.timedelta(days=1))
    stamped = raw_sign(pdf, short, timestamper=dummy_timestamper(ca))
    unstamped = raw_sign(pdf, short)
    clock.shift(dt.timedelta(days=2))  # the certificate has expired since
    assert verify_pdf(unstamped)[0].verdict == "expired"
    [report] = verify_pdf(stamped)
    assert report.verdict == "valid" and not report.expired


def test_an_image_only_block_goes_into_the_given_box(
    pdf, personal, organisation, leader, clerk, trust
):
    box = (330.0, 420.0, 510.0, 500.0)
    signed = sign_pdf(
        pdf,
        credential=personal,
        secret=PASS,
        actor=leader,
        appearance=Appearance("Lê Văn Hùng", page=0, box=box, image_only=True),
    )
    both = sign_pdf(
        signed, credential=organisation, secret=PASS, actor=clerk, appearance=Appearance("UBND")
    )
    rects = dict(_widgets(both))
    assert rects["XaSo-personal-1"] == list(box)
    # The seal still lands on the left third of the signer's image, wherever it was put.
    assert (
        rects["XaSo-organisation-2"][0]
        < box[0] + 0.5 * (box[2] - box[0])
        < rects["XaSo-organisation-2"][2] + 60
    )
    assert [r.verdict for r in verify_pdf(both)] == ["valid", "valid"]
