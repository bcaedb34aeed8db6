"""Signing and verifying PDFs (PAdES baseline) with pyHanko, and the credentials.

``sign_pdf`` is the one entry point other domains call to sign; ``verify_pdf`` serves
the public verification page and API. Passphrases and PINs are parameters, used
once and never stored or logged.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.audit.services import record
from xaso.core import permissions
from xaso.core.problems import Problem, in_both
from xaso.signatures.models import RevocationList, SigningCredential, TrustAnchor

log = logging.getLogger(__name__)

#: Largest PDF accepted for signing or verification.
MAX_PDF_BYTES = 20 * 1024 * 1024
MAX_PKCS12_BYTES = 64 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
PREFIXES = ("", "TM.", "KT.", "Q.", "TL.", "TUQ.")


@dataclass(frozen=True)
class Appearance:
    """The visible signature block (Decree 30, annex I)."""

    signer_name: str
    title: str = ""
    organisation: str = ""
    #: TM., KT., Q., TL., TUQ. or empty.
    prefix: str = ""
    #: 0-based page; -1 is the last page.
    page: int = -1
    #: (x1, y1, x2, y2) in points from the bottom-left corner; None places the usual
    #: bottom-right signing block (the seal overlaps the last personal signature).
    box: tuple[float, float, float, float] | None = None
    #: Only the signature image and the signing time: for a document whose signing
    #: block already prints the prefix, title and name (pass ``box`` = its blank space).
    image_only: bool = False


@dataclass
class SignatureReport:
    field: str
    signer: str
    organisation: str
    signing_time: dt.datetime | None
    timestamp_time: dt.datetime | None
    intact: bool
    modified_after_signing: bool
    trusted: bool
    expired: bool
    revoked: bool
    #: "valid", "modified", "untrusted", "expired", "revoked" or "invalid".
    verdict: str
    message: str
    message_en: str


# --- certificates ------------------------------------------------------------------


def _attr(name: x509.Name, oid) -> str:
    values = name.get_attributes_for_oid(oid)
    return str(values[0].value) if values else ""


def certificate_facts(cert: x509.Certificate) -> dict:
    return {
        "subject_name": _attr(cert.subject, NameOID.COMMON_NAME)[:255],
        "organisation": _attr(cert.subject, NameOID.ORGANIZATION_NAME)[:255],
        "serial": format(cert.serial_number, "X")[:80],
        "issuer": (_attr(cert.issuer, NameOID.COMMON_NAME) or cert.issuer.rfc4514_string())[:255],
        "not_before": cert.not_valid_before_utc,
        "not_after": cert.not_valid_after_utc,
    }


def open_pkcs12(data: bytes, passphrase: str):
    """(key, certificate, chain) of a PKCS#12 file, or a clear 422."""
    if not data or len(data) > MAX_PKCS12_BYTES:
        raise Problem(422, _("Tệp chứng thư số (PKCS#12, .p12/.pfx) không hợp lệ."))
    try:
        key, cert, chain = pkcs12.load_key_and_certificates(
            bytes(data), (passphrase or "").encode() or None
        )
    except ValueError:
        raise Problem(
            422,
            _(
                "Không mở được tệp chứng thư số: mật khẩu không đúng hoặc tệp không phải "
                "PKCS#12 (.p12/.pfx)."
            ),
            code="wrong-passphrase",
        ) from None
    if key is None or cert is None:
        raise Problem(422, _("Tệp PKCS#12 không chứa khóa bí mật và chứng thư số."))
    return key, cert, list(chain or [])


def _check_validity(cert: x509.Certificate, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    if cert.not_valid_after_utc <= now:
        raise Problem(
            422,
            _("Chứng thư số đã hết hạn ngày %(date)s: không thể dùng để ký."),
            code="certificate-expired",
            params={"date": timezone.localtime(cert.not_valid_after_utc).strftime("%d/%m/%Y")},
        )
    if cert.not_valid_before_utc > now:
        raise Problem(
            422, _("Chứng thư số chưa đến ngày có hiệu lực."), code="certificate-not-yet-valid"
        )


def check_image(data: bytes | None) -> bytes | None:
    """An uploaded signature or seal image, re-encoded as PNG (content checked)."""
    if not data:
        return None
    if len(data) > MAX_IMAGE_BYTES:
        raise Problem(413, _("Ảnh quá lớn (tối đa 2 MB)."))
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as img:
            if img.format not in ("PNG", "JPEG", "WEBP"):
                raise Problem(422, _("Ảnh phải là tệp PNG, JPEG hoặc WebP."))
            if img.width * img.height > 4000 * 4000:
                raise Problem(422, _("Ảnh quá lớn (tối đa 4000×4000 điểm ảnh)."))
            img.load()
            out = io.BytesIO()
            img.convert("RGBA").save(out, "PNG")
    except (UnidentifiedImageError, OSError):
        raise Problem(422, _("Tệp tải lên không phải là ảnh.")) from None
    return out.getvalue()


def _require_kind_perm(actor, commune, kind: str) -> None:
    action = (
        "signatures.manage_org" if kind == SigningCredential.Kind.ORGANISATION else "signatures.own"
    )
    permissions.require(actor, action, commune)


def add_pkcs12_credential(
    actor,
    commune,
    *,
    kind: str,
    data: bytes,
    passphrase: str,
    label: str = "",
    image: bytes | None = None,
    now: dt.datetime | None = None,
) -> SigningCredential:
    """Store a PKCS#12 file after checking that ``passphrase`` opens it (then forget it)."""
    if kind not in SigningCredential.Kind.values:
        raise Problem(422, _("Loại chứng thư không hợp lệ."))
    _require_kind_perm(actor, commune, kind)
    _key, cert, _chain = open_pkcs12(data, passphrase)
    _check_validity(cert, now)
    png = check_image(image)
    facts = certificate_facts(cert)
    with transaction.atomic():
        credential = SigningCredential.objects.create(
            commune=commune,
            kind=kind,
            owner=actor if kind == SigningCredential.Kind.PERSONAL else None,
            label=(label or facts["subject_name"] or "PKCS#12")[:120],
            pkcs12=bytes(data),
            certificate_der=cert.public_bytes(serialization.Encoding.DER),
            signature_image=png if kind == SigningCredential.Kind.PERSONAL else None,
            seal_image=png if kind == SigningCredential.Kind.ORGANISATION else None,
            created_at=now or timezone.now(),
            **facts,
        )
        record(
            actor,
            "signatures.credential_added",
            credential,
            detail={"kind": kind, "serial": facts["serial"]},
        )
    return credential


def add_token_credential(
    actor,
    commune,
    *,
    kind: str,
    module: str,
    token_label: str,
    key_label: str,
    cert_label: str = "",
    pin: str,
    label: str = "",
    image: bytes | None = None,
) -> SigningCredential:
    """Register a key held on a PKCS#11 token; the PIN opens it once to read the certificate."""
    if kind not in SigningCredential.Kind.values:
        raise Problem(422, _("Loại chứng thư không hợp lệ."))
    _require_kind_perm(actor, commune, kind)
    if not module or not token_label or not key_label:
        raise Problem(422, _("Cần đủ thư viện PKCS#11, nhãn thiết bị và nhãn khóa."))
    if module not in pkcs11_modules():
        # Loading a library runs its code in the server: only those the operator listed.
        raise Problem(422, _("Thư viện PKCS#11 này không được phép dùng trên máy chủ."))
    cert_asn1 = _token_certificate(module, token_label, cert_label or key_label, pin)
    cert = x509.load_der_x509_certificate(cert_asn1.dump())
    _check_validity(cert)
    png = check_image(image)
    facts = certificate_facts(cert)
    with transaction.atomic():
        credential = SigningCredential.objects.create(
            commune=commune,
            kind=kind,
            owner=actor if kind == SigningCredential.Kind.PERSONAL else None,
            label=(label or facts["subject_name"] or token_label)[:120],
            pkcs11_module=module,
            token_label=token_label,
            key_label=key_label,
            cert_label=cert_label,
            certificate_der=cert_asn1.dump(),
            signature_image=png if kind == SigningCredential.Kind.PERSONAL else None,
            seal_image=png if kind == SigningCredential.Kind.ORGANISATION else None,
            **facts,
        )
        record(
            actor,
            "signatures.credential_added",
            credential,
            detail={"kind": kind, "token": token_label},
        )
    return credential


def pkcs11_modules() -> list[str]:
    """PKCS#11 libraries the operator allows (``XASO_PKCS11_MODULES``)."""
    return list(getattr(settings, "XASO_PKCS11_MODULES", None) or [])


def _open_token(module: str, token_label: str, pin: str):
    from pkcs11.exceptions import PinIncorrect, PinLenRange, TokenNotPresent
    from pyhanko.config.pkcs11 import TokenCriteria
    from pyhanko.sign.pkcs11 import open_pkcs11_session

    try:
        return open_pkcs11_session(
            module, token_criteria=TokenCriteria(label=token_label), user_pin=pin
        )
    except (PinIncorrect, PinLenRange):
        raise Problem(422, _("Mã PIN của thiết bị ký số không đúng."), code="wrong-pin") from None
    except (TokenNotPresent, OSError, RuntimeError, Exception) as exc:
        if isinstance(exc, Problem):
            raise
        log.warning("PKCS#11 token %s unavailable: %s", token_label, type(exc).__name__)
        raise Problem(
            422,
            _("Không kết nối được thiết bị ký số (token) “%(label)s”."),
            params={"label": token_label},
        ) from None


def _token_certificate(module, token_label, cert_label, pin):
    from pyhanko.sign.pkcs11 import PKCS11Signer

    session = _open_token(module, token_label, pin)
    try:
        signer = PKCS11Signer(session, cert_label=cert_label, key_label=cert_label)
        return signer.signing_cert
    except Exception:
        raise Problem(
            422,
            _("Không tìm thấy chứng thư số “%(label)s” trên thiết bị."),
            params={"label": cert_label},
        ) from None
    finally:
        session.close()


def set_image(actor, credential: SigningCredential, image: bytes) -> SigningCredential:
    """Replace the signature image (personal) or seal image (organisation)."""
    _check_owner_for_management(actor, credential)
    png = check_image(image)
    if png is None:
        raise Problem(422, _("Hãy chọn một tệp ảnh."))
    with transaction.atomic():
        if credential.kind == SigningCredential.Kind.PERSONAL:
            credential.signature_image = png
            credential.save(update_fields=["signature_image"])
        else:
            credential.seal_image = png
            credential.save(update_fields=["seal_image"])
        record(actor, "signatures.image_changed", credential)
    return credential


def deactivate(actor, credential: SigningCredential) -> SigningCredential:
    _check_owner_for_management(actor, credential)
    with transaction.atomic():
        credential.active = False
        credential.save(update_fields=["active"])
        record(actor, "signatures.credential_deactivated", credential)
    return credential


def _check_owner_for_management(actor, credential: SigningCredential) -> None:
    if credential.kind == SigningCredential.Kind.PERSONAL:
        if credential.owner_id != actor.pk:
            raise Problem(403, _("Đây không phải chứng thư số của bạn."))
        permissions.require(actor, "signatures.own", credential.commune)
    else:
        permissions.require(actor, "signatures.manage_org", credential.commune)


# --- trust -------------------------------------------------------------------------


def parse_pem_certificate(pem: str | bytes) -> x509.Certificate:
    data = pem.encode() if isinstance(pem, str) else pem
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise Problem(422, _("Không đọc được chứng thư số (cần định dạng PEM hoặc DER).")) from None


def parse_crl(data: bytes) -> x509.CertificateRevocationList:
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_crl(data)
        return x509.load_der_x509_crl(data)
    except ValueError:
        raise Problem(
            422, _("Không đọc được danh sách thu hồi (CRL, định dạng PEM hoặc DER).")
        ) from None


def add_trust_anchor(actor, *, name: str, pem: str) -> TrustAnchor:
    cert = parse_pem_certificate(pem)
    with transaction.atomic():
        anchor = TrustAnchor.objects.create(
            name=name[:160] or certificate_facts(cert)["subject_name"],
            certificate_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
            subject=cert.subject.rfc4514_string()[:255],
            not_after=cert.not_valid_after_utc,
        )
        record(actor, "signatures.trust_anchor_added", anchor)
    return anchor


def add_revocation_list(actor, data: bytes) -> RevocationList:
    crl = parse_crl(data)
    with transaction.atomic():
        rl = RevocationList.objects.create(
            crl_der=crl.public_bytes(serialization.Encoding.DER),
            issuer=(_attr(crl.issuer, NameOID.COMMON_NAME) or crl.issuer.rfc4514_string())[:255],
            this_update=crl.last_update_utc,
            next_update=crl.next_update_utc,
            revoked_count=len(list(crl)),
        )
        record(actor, "signatures.crl_added", rl)
    return rl


def _load_setting_anchors() -> list[asn1_x509.Certificate]:
    out = []
    for path in getattr(settings, "XASO_TRUST_ANCHORS", None) or []:
        try:
            with open(path, "rb") as fh:
                data = fh.read()
        except OSError:
            log.error("trust anchor file %s cannot be read", path)
            continue
        for block in _pem_blocks(data):
            out.append(asn1_x509.Certificate.load(block))
    return out


def _pem_blocks(data: bytes) -> list[bytes]:
    if b"-----BEGIN" not in data:
        return [data]
    return [
        c.public_bytes(serialization.Encoding.DER) for c in x509.load_pem_x509_certificates(data)
    ]


def trust_roots() -> list[asn1_x509.Certificate]:
    roots = _load_setting_anchors()
    for pem in TrustAnchor.objects.filter(active=True).values_list("certificate_pem", flat=True):
        roots.extend(asn1_x509.Certificate.load(b) for b in _pem_blocks(pem.encode()))
    return roots


def revocation_lists() -> list[bytes]:
    return [
        bytes(d)
        for d in RevocationList.objects.filter(active=True).values_list("crl_der", flat=True)
    ]


def validation_kwargs(moment: dt.datetime | None = None) -> dict:
    kwargs = {
        "trust_roots": trust_roots(),
        "crls": revocation_lists(),
        "allow_fetching": bool(getattr(settings, "XASO_SIGNATURE_ALLOW_FETCHING", False)),
        # A CRL that we hold is enforced; a certificate without one is not refused
        # for that reason alone (no network by default).
        "revocation_mode": "soft-fail",
    }
    if moment is not None:
        kwargs["moment"] = moment
    return kwargs


# --- signing -----------------------------------------------------------------------


def get_timestamper():
    """The timestamp authority client, when ``XASO_TSA_URL`` is configured."""
    url = getattr(settings, "XASO_TSA_URL", None)
    if not url:
        return None
    from pyhanko.sign.timestamps import HTTPTimeStamper

    return HTTPTimeStamper(url, timeout=10)


def _check_may_use(actor, credential: SigningCredential) -> None:
    if not credential.active:
        raise Problem(403, _("Chứng thư số này đã ngừng sử dụng."))
    if credential.kind == SigningCredential.Kind.PERSONAL:
        if credential.owner_id != getattr(actor, "pk", None):
            raise Problem(403, _("Chỉ chủ sở hữu mới được ký bằng chứng thư số cá nhân này."))
        if not permissions.has_perm(actor, "signatures.own", credential.commune):
            raise Problem(403, _("Bạn không còn giữ chức vụ tại xã của chứng thư số này."))
    elif not permissions.has_perm(actor, "signatures.sign_org", credential.commune):
        raise Problem(
            403, _("Chỉ văn thư hoặc lãnh đạo của xã mới được ký bằng chứng thư số của cơ quan.")
        )


def _signer_for(credential: SigningCredential, secret: str):
    """A pyHanko signer; the secret opens the key once and is not kept."""
    from asn1crypto import keys as asn1_keys
    from pyhanko.sign.signers import SimpleSigner
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    if credential.uses_token:
        from pyhanko.sign.pkcs11 import PKCS11Signer

        if credential.pkcs11_module not in pkcs11_modules():
            raise Problem(422, _("Thư viện PKCS#11 này không được phép dùng trên máy chủ."))
        session = _open_token(credential.pkcs11_module, credential.token_label, secret)
        cert = asn1_x509.Certificate.load(bytes(credential.certificate_der))
        _check_validity(x509.load_der_x509_certificate(cert.dump()))
        return PKCS11Signer(
            session,
            key_label=credential.key_label,
            signing_cert=cert,
            # The chain usually sits on the token next to the key: embed it.
            other_certs_to_pull=None,
        ), session
    key, cert, chain = open_pkcs12(bytes(credential.pkcs12 or b""), secret)
    _check_validity(cert)
    store = SimpleCertificateStore()
    store.register_multiple([_asn1_cert(c) for c in chain])
    signer = SimpleSigner(
        signing_cert=_asn1_cert(cert),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=store,
    )
    return signer, None


def _asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _page_count(reader) -> int:
    return int(reader.root["/Pages"]["/Count"])


def _page_size(reader, index: int) -> tuple[float, float]:
    page = reader.find_page_for_modification(index)[0].get_object()
    box = page.get("/CropBox") or page.get("/MediaBox")
    llx, lly, urx, ury = (float(v) for v in box)
    return urx - llx, ury - lly


def _last_personal_block(reader) -> tuple[int, tuple[float, float, float, float]] | None:
    """(page, rect) of the last visible signature field, for placing the seal on it."""
    from pyhanko.sign.fields import enumerate_sig_fields

    found = None
    for name, _value, ref in enumerate_sig_fields(reader, filled_status=True):
        field = ref.get_object()
        rect = field.get("/Rect")
        if rect is None or "/P" not in field or not str(name).startswith("XaSo-personal"):
            continue
        llx, lly, urx, ury = (float(v) for v in rect)
        if urx - llx < 1 or ury - lly < 1:
            continue
        page_ref = field.raw_get("/P")
        for i in range(_page_count(reader)):
            if reader.find_page_for_modification(i)[0].idnum == page_ref.idnum:
                found = (i, (llx, lly, urx, ury))
                break
    return found


def _layout(reader, credential, appearance: Appearance, signed_at: str):
    """The stamp image and its box (points) for ``appearance``."""
    from xaso.signatures import appearance as art

    pages = _page_count(reader)
    page = appearance.page if appearance.page >= 0 else pages + appearance.page
    if not 0 <= page < pages:
        raise Problem(422, _("Trang đặt chữ ký không có trong văn bản."))
    if credential.kind == SigningCredential.Kind.PERSONAL:
        image = art.personal_block(
            signer_name=appearance.signer_name,
            title=appearance.title,
            prefix=appearance.prefix,
            organisation=appearance.organisation,
            show_text=not appearance.image_only,
            signed_at=signed_at,
            signature_png=bytes(credential.signature_image) if credential.signature_image else None,
        )
    else:
        image = art.seal_block(
            organisation=appearance.organisation or credential.organisation,
            signed_at=signed_at,
            seal_png=bytes(credential.seal_image) if credential.seal_image else None,
        )
    w, h = art.block_size_points(image)
    if appearance.box is not None:
        return page, image, tuple(float(v) for v in appearance.box)
    width, _height = _page_size(reader, page)
    if credential.kind == SigningCredential.Kind.PERSONAL:
        x1, y1 = width - 40 - w, 60.0
        return page, image, (x1, y1, x1 + w, y1 + h)
    # The seal overlaps about one third of the signer's image on the left.
    previous = _last_personal_block(reader)
    if previous is not None:
        page, (llx, lly, urx, ury) = previous
        fx0, fy0, fx1, fy1 = art.IMAGE_FRAME
        bw, bh = urx - llx, ury - lly
        image_left = llx + fx0 * bw
        image_right = llx + fx1 * bw
        right = image_left + (image_right - image_left) / 3
        centre_y = lly + (fy0 + fy1) / 2 * bh
        seal = art.SEAL_SIZE
        x1 = right - seal
        y1 = centre_y - seal / 2 - (h - seal)
        return page, image, (x1, y1, x1 + w, y1 + h)
    x1, y1 = width - 40 - art.PERSONAL_SIZE[0] - w / 2, 60.0
    return page, image, (x1, y1, x1 + w, y1 + h)


def sign_pdf(
    pdf: bytes,
    *,
    credential: SigningCredential,
    secret: str,
    actor,
    reason: str = "",
    location: str = "",
    appearance: Appearance | None = None,
) -> bytes:
    """Sign ``pdf`` (PAdES B-B, or B-T when a TSA is configured) as an incremental
    update, so signatures already in the file stay valid. ``appearance`` None gives
    an invisible signature. ``secret`` is the PKCS#12 passphrase or the token PIN."""
    from pyhanko.pdf_utils.images import PdfImage
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.pdf_utils.layout import AxisAlignment, InnerScaling, Margins, SimpleBoxLayoutRule
    from pyhanko.sign import fields, signers
    from pyhanko.stamp import StaticStampStyle

    pdf = check_pdf(pdf)
    _check_may_use(actor, credential)
    if appearance is not None and appearance.prefix not in PREFIXES:
        raise Problem(422, _("Tiền tố ký không hợp lệ (TM., KT., Q., TL., TUQ.)."))
    signer, session = _signer_for(credential, secret)
    try:
        try:
            writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
        except Exception:
            raise Problem(422, _("Tệp không phải là PDF hợp lệ.")) from None
        if writer.prev.encrypted:
            raise Problem(422, _("Không ký được tệp PDF đã mã hóa."))
        existing = len(list(fields.enumerate_sig_fields(writer.prev)))
        field_name = f"XaSo-{credential.kind}-{existing + 1}"
        now = timezone.localtime()
        style = None
        spec = fields.SigFieldSpec(sig_field_name=field_name)
        if appearance is not None:
            signed_at = in_both(
                _("Ký ngày %(date)s lúc %(time)s"),
                {"date": now.strftime("%d/%m/%Y"), "time": now.strftime("%H:%M")},
            )[0]
            page, image, box = _layout(writer.prev, credential, appearance, signed_at)
            spec = fields.SigFieldSpec(sig_field_name=field_name, on_page=page, box=box)
            style = StaticStampStyle(
                background=PdfImage(image),
                border_width=0,
                background_opacity=1.0,
                background_layout=SimpleBoxLayoutRule(
                    x_align=AxisAlignment.ALIGN_MID,
                    y_align=AxisAlignment.ALIGN_MID,
                    margins=Margins.uniform(0),
                    inner_content_scaling=InnerScaling.STRETCH_TO_FIT,
                ),
            )
        meta = signers.PdfSignatureMetadata(
            field_name=field_name,
            reason=reason or None,
            location=location or None,
            name=(appearance.signer_name if appearance else credential.subject_name) or None,
            subfilter=fields.SigSeedSubFilter.PADES,
            md_algorithm="sha256",
        )
        timestamper = get_timestamper()
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, timestamper=timestamper, stamp_style=style, new_field_spec=spec
        )
        try:
            out = pdf_signer.sign_pdf(
                writer, bytes_reserved=_reserve(signer, timestamper is not None)
            )
        except Problem:
            raise
        except Exception as exc:
            log.exception("signing failed")
            raise Problem(
                422, _("Không ký được văn bản: %(reason)s"), params={"reason": type(exc).__name__}
            ) from None
    finally:
        if session is not None:
            session.close()
    signed = out.getvalue()
    record(
        actor,
        "signatures.signed",
        credential,
        detail={
            "field": field_name,
            "kind": credential.kind,
            "serial": credential.serial,
            "timestamp": timestamper is not None,
            "reason": reason[:200],
        },
    )
    return signed


def _reserve(signer, timestamped: bool) -> int:
    """Room for the CMS blob, so pyHanko need not sign a dummy first to measure it
    (that doubles the cost of each signature): the certificates it embeds, the
    signature value and attributes, and a timestamp token with its own chain."""
    certs = [signer.signing_cert, *signer.cert_registry]
    size = sum(len(c.dump()) for c in certs)
    return 8192 + 2 * size + (16384 if timestamped else 0)


def check_pdf(pdf) -> bytes:
    if not isinstance(pdf, (bytes, bytearray, memoryview)):
        raise Problem(422, _("Tệp không phải là PDF hợp lệ."))
    pdf = bytes(pdf)
    if len(pdf) > MAX_PDF_BYTES:
        raise Problem(
            413, _("Tệp PDF quá lớn (tối đa %(mb)s MB)."), params={"mb": MAX_PDF_BYTES // 2**20}
        )
    if not pdf.lstrip()[:5] == b"%PDF-":
        raise Problem(422, _("Tệp không phải là PDF hợp lệ."), code="not-pdf")
    return pdf


# --- verification ------------------------------------------------------------------

VERDICT_MESSAGES = {
    "valid": _("Chữ ký hợp lệ: văn bản không bị thay đổi và chứng thư số được tin cậy."),
    "valid_later": _(
        "Chữ ký hợp lệ. Sau khi ký, văn bản chỉ được thêm chữ ký hoặc thông tin xác thực khác "
        "(được phép)."
    ),
    "modified": _("Văn bản đã bị thay đổi sau khi ký: chữ ký không còn giá trị."),
    "modified_later": _(
        "Chữ ký còn nguyên vẹn nhưng nội dung văn bản đã bị sửa sau khi ký: không dùng bản này."
    ),
    "untrusted": _(
        "Chữ ký đúng nhưng chứng thư số không thuộc tổ chức cung cấp dịch vụ chứng thực "
        "được tin cậy."
    ),
    "expired": _(
        "Chứng thư số của người ký đã hết hạn (hoặc chưa có hiệu lực) vào thời điểm kiểm tra."
    ),
    "revoked": _("Chứng thư số của người ký đã bị thu hồi."),
    "invalid": _("Chữ ký không hợp lệ hoặc không đọc được."),
}


def _name_parts(cert: asn1_x509.Certificate) -> tuple[str, str]:
    native = cert.subject.native
    return str(native.get("common_name", "")), str(native.get("organization_name", ""))


def _is_expired(cert: asn1_x509.Certificate, moment: dt.datetime) -> bool:
    validity = cert["tbs_certificate"]["validity"]
    return not (validity["not_before"].native <= moment <= validity["not_after"].native)


def _validate(embedded, reader, moment=None):
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.dss import DocumentSecurityStore, NoDSSFoundError
    from pyhanko_certvalidator import ValidationContext

    kwargs = validation_kwargs(moment)
    try:
        context = DocumentSecurityStore.read_dss(reader).as_validation_context(kwargs)
    except NoDSSFoundError:
        context = ValidationContext(**kwargs)
    return validate_pdf_signature(embedded, context)


def _report_one(embedded, reader) -> SignatureReport:
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    name = str(embedded.field_name)
    try:
        cert = embedded.signer_cert
        signer, organisation = _name_parts(cert)
    except Exception:
        cert, signer, organisation = None, "", ""
    try:
        status = _validate(embedded, reader)
    except Exception as exc:
        log.info("signature %s cannot be validated: %s", name, type(exc).__name__)
        vi, en = in_both(VERDICT_MESSAGES["invalid"])
        return SignatureReport(
            name,
            signer,
            organisation,
            None,
            None,
            False,
            False,
            False,
            False,
            False,
            "invalid",
            vi,
            en,
        )

    signing_time = status.signer_reported_dt
    ts = status.timestamp_validity
    timestamp_time = ts.timestamp if ts is not None and ts.intact and ts.valid else None
    now = timezone.now()
    expired = cert is not None and _is_expired(cert, now)
    if (
        expired
        and timestamp_time is not None
        and ts.trusted
        and not _is_expired(cert, timestamp_time)
    ):
        # A trusted timestamp proves the signature existed while the certificate was
        # valid: judge it at that moment (PAdES B-T).
        status = _validate(embedded, reader, moment=timestamp_time)
        expired = False
    revoked = bool(status.revoked)
    trusted = bool(status.trusted)
    intact = bool(status.intact)
    modified_after = status.coverage != SignatureCoverageLevel.ENTIRE_FILE
    level = status.modification_level
    later_ok = not modified_after or (
        level is not None
        and level <= ModificationLevel.FORM_FILLING
        and status.docmdp_ok is not False
    )
    if not intact:
        key, verdict = "modified", "modified"
    elif not status.valid:
        key, verdict = "invalid", "invalid"
    elif not later_ok:
        key, verdict = "modified_later", "modified"
    elif revoked:
        key, verdict = "revoked", "revoked"
    elif expired:
        key, verdict = "expired", "expired"
    elif not trusted:
        key, verdict = "untrusted", "untrusted"
    else:
        verdict = "valid"
        key = "valid_later" if modified_after else "valid"
    vi, en = in_both(VERDICT_MESSAGES[key])
    return SignatureReport(
        field=name,
        signer=signer,
        organisation=organisation,
        signing_time=signing_time,
        timestamp_time=timestamp_time,
        intact=intact,
        modified_after_signing=modified_after,
        trusted=trusted,
        expired=expired,
        revoked=revoked,
        verdict=verdict,
        message=vi,
        message_en=en,
    )


def verify_pdf(pdf: bytes) -> list[SignatureReport]:
    """One report per signature in ``pdf`` (document timestamps are not listed)."""
    from pyhanko.pdf_utils.reader import PdfFileReader

    pdf = check_pdf(pdf)
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = list(reader.embedded_regular_signatures)
    except Exception:
        raise Problem(
            422, _("Tệp không phải là PDF hợp lệ hoặc bị hỏng."), code="not-pdf"
        ) from None
    return [_report_one(s, reader) for s in signatures]


def usable_credential(actor, commune, credential_id) -> SigningCredential:
    """One credential ``actor`` may sign with in ``commune``, or a 404 (never "not yours")."""
    from xaso.signatures.selectors import usable_credentials

    credential = usable_credentials(actor, commune).filter(pk=credential_id).first()
    if credential is None:
        raise Problem(404, _("Không tìm thấy chứng thư ký số đang dùng được."))
    return credential
