import datetime as dt
from typing import Literal

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from xaso.core import ratelimit
from xaso.core.api import Text, commune_auth
from xaso.core.http import client_ip
from xaso.core.problems import Problem, in_both
from xaso.core.tenancy import commune_for
from xaso.signatures import selectors, services
from xaso.signatures.models import SigningCredential

router = Router(tags=["Chữ ký số"])

#: Verifications per address and minute (the public endpoint does real crypto work).
VERIFY_PER_MINUTE = 30


class SignatureOut(Schema):
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
    verdict: Literal["valid", "modified", "untrusted", "expired", "revoked", "invalid"]
    message: str
    message_en: str


class VerifyOut(Schema):
    count: int
    message: str
    message_en: str
    signatures: list[SignatureOut]


class CredentialOut(Schema):
    id: int
    kind: str
    label: str
    mine: bool
    uses_token: bool
    subject_name: str
    organisation: str
    serial: str
    issuer: str
    not_before: dt.datetime | None
    not_after: dt.datetime | None
    expired: bool
    active: bool


class CredentialIn(Schema):
    passphrase: Text = Field(max_length=200)
    kind: Literal["personal", "organisation"] = "personal"
    label: Text = Field("", max_length=120)


class SignIn(Schema):
    credential_id: int
    secret: Text = Field(max_length=200)
    reason: Text = Field("", max_length=200)
    location: Text = Field("", max_length=200)
    visible: bool = True
    signer_name: Text = Field("", max_length=120)
    title: Text = Field("", max_length=120)
    organisation: Text = Field("", max_length=160)
    prefix: Literal["", "TM.", "KT.", "Q.", "TL.", "TUQ."] = ""
    page: int = Field(-1, ge=-10_000, le=10_000)


def read_upload(upload: UploadedFile) -> bytes:
    """The uploaded PDF, refused before it is read when it is too large."""
    if upload.size is not None and upload.size > services.MAX_PDF_BYTES:
        raise Problem(
            413,
            _("Tệp PDF quá lớn (tối đa %(mb)s MB)."),
            params={"mb": services.MAX_PDF_BYTES // 2**20},
        )
    return upload.read()


def verify_summary(reports) -> tuple[str, str]:
    if not reports:
        return in_both(_("Tệp PDF này không có chữ ký số nào."))
    bad = sum(1 for r in reports if r.verdict != "valid")
    if not bad:
        return in_both(_("Tất cả %(n)s chữ ký đều hợp lệ."), {"n": len(reports)})
    return in_both(
        _("%(bad)s trong %(n)s chữ ký không hợp lệ hoặc không được tin cậy."),
        {"bad": bad, "n": len(reports)},
    )


def check_verify_rate(request) -> None:
    ip = client_ip(request) or "?"
    if ratelimit.hit(f"signatures-verify:{ip}", 60) > VERIFY_PER_MINUTE:
        raise Problem(
            429,
            _("Bạn đã kiểm tra quá nhiều tệp trong một phút. Vui lòng thử lại sau."),
            headers={"Retry-After": "60"},
        )


@router.post(
    "/signatures/verify",
    response=VerifyOut,
    auth=None,
    summary="Xác thực chữ ký số trong tệp PDF (multipart: trường file)",
)
def verify(request, file: File[UploadedFile]):
    check_verify_rate(request)
    reports = services.verify_pdf(read_upload(file))
    message, message_en = verify_summary(reports)
    return {
        "count": len(reports),
        "message": message,
        "message_en": message_en,
        "signatures": [r.__dict__ for r in reports],
    }


def _credential_out(c: SigningCredential, user) -> dict:
    return {
        "id": c.pk,
        "kind": c.kind,
        "label": c.label,
        "mine": c.owner_id == user.pk,
        "uses_token": c.uses_token,
        "subject_name": c.subject_name,
        "organisation": c.organisation,
        "serial": c.serial,
        "issuer": c.issuer,
        "not_before": c.not_before,
        "not_after": c.not_after,
        "expired": c.expired,
        "active": c.active,
    }


@router.get(
    "/communes/{code}/signing-credentials",
    response=list[CredentialOut],
    auth=commune_auth("signatures.own"),
    summary="Chứng thư ký số của tôi và của cơ quan (không bao giờ trả tệp khóa)",
)
def credential_list(request, code: str):
    commune = commune_for(request.user, code, "signatures.own")
    return [
        _credential_out(c, request.user) for c in selectors.credentials_for(request.user, commune)
    ]


@router.post(
    "/communes/{code}/signing-credentials",
    response={201: CredentialOut},
    auth=commune_auth("signatures.own"),
    summary="Tải lên tệp PKCS#12 (.p12/.pfx); mật khẩu chỉ dùng để kiểm tra rồi bỏ đi",
)
def credential_upload(
    request,
    code: str,
    form: Form[CredentialIn],
    file: File[UploadedFile],
    image: File[UploadedFile] = None,
):
    passphrase, kind, label = form.passphrase, form.kind, form.label
    commune = commune_for(request.user, code, "signatures.own")
    if file.size is not None and file.size > services.MAX_PKCS12_BYTES:
        raise Problem(413, _("Tệp chứng thư số quá lớn."))
    credential = services.add_pkcs12_credential(
        request.user,
        commune,
        kind=kind,
        data=file.read(),
        passphrase=passphrase,
        label=label,
        image=image.read() if image is not None else None,
    )
    return Status(201, _credential_out(credential, request.user))


@router.post(
    "/communes/{code}/signing-credentials/{credential_id}/deactivate",
    response=CredentialOut,
    auth=commune_auth("signatures.own"),
    summary="Ngừng sử dụng một chứng thư ký số",
)
def credential_deactivate(request, code: str, credential_id: int):
    commune = commune_for(request.user, code, "signatures.own")
    credential = _visible_credential(request.user, commune, credential_id)
    return _credential_out(services.deactivate(request.user, credential), request.user)


def _visible_credential(user, commune, credential_id: int) -> SigningCredential:
    credential = selectors.credentials_for(user, commune).filter(pk=credential_id).first()
    if credential is None:
        raise Problem(404, _("Không tìm thấy chứng thư ký số."))
    return SigningCredential.objects.get(pk=credential.pk)


@router.post(
    "/communes/{code}/sign",
    auth=commune_auth("signatures.own"),
    summary="Ký số một tệp PDF (multipart); trả về tệp PDF đã ký",
    response={200: None},
)
def sign(request, code: str, form: Form[SignIn], file: File[UploadedFile]):
    commune = commune_for(request.user, code, "signatures.own")
    credential = services.usable_credential(request.user, commune, form.credential_id)
    appearance = None
    if form.visible:
        appearance = services.Appearance(
            signer_name=form.signer_name or credential.subject_name or request.user.display_name,
            title=form.title,
            organisation=form.organisation or credential.organisation,
            prefix=form.prefix,
            page=form.page,
        )
    signed = services.sign_pdf(
        read_upload(file),
        credential=credential,
        secret=form.secret,
        actor=request.user,
        reason=form.reason,
        location=form.location,
        appearance=appearance,
    )
    response = HttpResponse(signed, content_type="application/pdf")
    name = (file.name or "van-ban.pdf").rsplit(".", 1)[0]
    response["Content-Disposition"] = f'attachment; filename="{_ascii(name)}-da-ky.pdf"'
    return response


def _ascii(name: str) -> str:
    from xaso.core.text import fold

    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in fold(name))
    return safe.strip("-")[:80] or "van-ban"
