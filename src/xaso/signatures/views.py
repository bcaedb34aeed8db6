"""Pages: the public verification page, an official's credentials, signing a PDF."""

from __future__ import annotations

import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from xaso.core import permissions
from xaso.core.problems import Problem, in_both
from xaso.core.views import office_view
from xaso.signatures import appearance as art
from xaso.signatures import selectors, services
from xaso.signatures.api import check_verify_rate, verify_summary
from xaso.signatures.forms import ImageForm, Pkcs12Form, SignForm, TokenForm, VerifyForm
from xaso.signatures.models import SigningCredential

VERDICT_STYLE = {
    "valid": ("ok", "✓", _("Hợp lệ")),
    "modified": ("bad", "✗", _("Đã bị thay đổi")),
    "invalid": ("bad", "✗", _("Không hợp lệ")),
    "revoked": ("bad", "✗", _("Chứng thư bị thu hồi")),
    "expired": ("warn", "!", _("Chứng thư hết hạn")),
    "untrusted": ("warn", "?", _("Không được tin cậy")),
}


def _message(exc) -> str:
    if isinstance(exc, Problem):
        return in_both(exc.message, exc.params)[0]
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


@require_http_methods(["GET", "POST"])
def verify_page(request):
    """Upload a PDF, read a verdict per signature. The file lives only in this request."""
    form = VerifyForm()
    reports = None
    summary = ""
    status = 200
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                check_verify_rate(request)
                if upload.size > services.MAX_PDF_BYTES:
                    raise Problem(
                        413,
                        _("Tệp PDF quá lớn (tối đa %(mb)s MB)."),
                        params={"mb": services.MAX_PDF_BYTES // 2**20},
                    )
                reports = services.verify_pdf(upload.read())
                summary = verify_summary(reports)[0]
            except Problem as exc:
                form.add_error("file", _message(exc))
                status = exc.status
        else:
            status = 422
    rows = [
        {
            "r": r,
            "style": VERDICT_STYLE[r.verdict][0],
            "icon": VERDICT_STYLE[r.verdict][1],
            "label": VERDICT_STYLE[r.verdict][2],
        }
        for r in reports or []
    ]
    return render(
        request,
        "signatures/verify.html",
        {"form": form, "rows": rows, "checked": reports is not None, "summary": summary},
        status=status,
    )


@office_view("signatures.own")
def credentials_page(request, commune):
    may_org = permissions.has_perm(request.user, "signatures.manage_org", commune)
    form = Pkcs12Form()
    modules = services.pkcs11_modules()
    token_form = TokenForm(modules=modules, prefix="token")
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "token":
                token_form = TokenForm(request.POST, modules=modules, prefix="token")
                if token_form.is_valid():
                    data = token_form.cleaned_data
                    services.add_token_credential(
                        request.user,
                        commune,
                        kind=request.POST.get("kind", SigningCredential.Kind.PERSONAL),
                        module=data["module"],
                        token_label=data["token_label"],
                        key_label=data["key_label"],
                        pin=data["pin"],
                        label=data["label"],
                    )
                    messages.success(
                        request, _("Đã đăng ký thiết bị ký số. Mã PIN không được lưu.")
                    )
                    return redirect("signatures:credentials", commune.code_str)
            if action == "upload":
                form = Pkcs12Form(request.POST, request.FILES)
                if form.is_valid():
                    kind = request.POST.get("kind", SigningCredential.Kind.PERSONAL)
                    data = form.cleaned_data
                    if data["file"].size > services.MAX_PKCS12_BYTES:
                        raise Problem(413, _("Tệp chứng thư số quá lớn."))
                    services.add_pkcs12_credential(
                        request.user,
                        commune,
                        kind=kind,
                        data=data["file"].read(),
                        passphrase=data["passphrase"],
                        label=data["label"],
                        image=data["image"].read() if data["image"] else None,
                    )
                    messages.success(request, _("Đã lưu chứng thư số. Mật khẩu không được lưu."))
                    return redirect("signatures:credentials", commune.code_str)
            elif action in ("image", "deactivate"):
                credential = _credential(request.user, commune, request.POST.get("credential"))
                if action == "image":
                    image_form = ImageForm(request.POST, request.FILES)
                    if not image_form.is_valid():
                        raise Problem(422, _("Hãy chọn một tệp ảnh PNG hoặc JPEG."))
                    services.set_image(
                        request.user, credential, image_form.cleaned_data["image"].read()
                    )
                    messages.success(request, _("Đã thay ảnh."))
                else:
                    services.deactivate(request.user, credential)
                    messages.success(request, _("Đã ngừng sử dụng chứng thư số."))
                return redirect("signatures:credentials", commune.code_str)
        except (Problem, ValidationError, PermissionDenied) as exc:
            messages.error(
                request,
                _message(exc)
                if not isinstance(exc, PermissionDenied)
                else _("Bạn không có quyền thực hiện việc này."),
            )
    credentials = list(selectors.credentials_for(request.user, commune))
    for c in credentials:
        c.manageable = (
            c.kind == SigningCredential.Kind.PERSONAL and c.owner_id == request.user.pk
        ) or (c.kind == SigningCredential.Kind.ORGANISATION and may_org)
    return render(
        request,
        "signatures/credentials.html",
        {
            "commune": commune,
            "credentials": credentials,
            "form": form,
            "token_form": token_form if modules else None,
            "may_org": may_org,
            "may_sign": selectors.usable_credentials(request.user, commune).exists(),
        },
    )


def _credential(user, commune, raw) -> SigningCredential:
    try:
        pk = int(raw)
    except (TypeError, ValueError):
        raise Http404 from None
    if not selectors.credentials_for(user, commune).filter(pk=pk).exists():
        raise Http404
    return SigningCredential.objects.get(pk=pk)


@office_view("signatures.own")
def credential_image(request, commune, credential_id: int):
    """A preview of the signature or seal as it will be drawn (blue or red)."""
    credential = _credential(request.user, commune, credential_id)
    if credential.kind == SigningCredential.Kind.PERSONAL:
        png = bytes(credential.signature_image) if credential.signature_image else None
        image = (
            art.recolour(png, art.BLUE) if png else art.default_signature(credential.subject_name)
        )
    else:
        png = bytes(credential.seal_image) if credential.seal_image else None
        image = art.recolour(png, art.RED) if png else art.default_seal(credential.organisation)
    out = io.BytesIO()
    image.save(out, "PNG")
    response = HttpResponse(out.getvalue(), content_type="image/png")
    response["Cache-Control"] = "private, no-store"
    return response


@office_view("signatures.own")
def sign_page(request, commune):
    """Sign a PDF with one's own credential (or the commune's, for a clerk or leader)."""
    credentials = list(selectors.usable_credentials(request.user, commune))
    form = SignForm(credentials=credentials)
    status = 200
    if request.method == "POST":
        form = SignForm(request.POST, request.FILES, credentials=credentials)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["file"].size > services.MAX_PDF_BYTES:
                    raise Problem(413, _("Tệp PDF quá lớn."))
                credential = services.usable_credential(request.user, commune, data["credential"])
                personal = credential.kind == SigningCredential.Kind.PERSONAL
                appearance = services.Appearance(
                    signer_name=(
                        request.user.display_name or credential.subject_name
                        if personal
                        else credential.organisation or credential.subject_name
                    ),
                    title=data["title"],
                    organisation=data["organisation"] or credential.organisation,
                    prefix=data["prefix"] or "",
                )
                signed = services.sign_pdf(
                    data["file"].read(),
                    credential=credential,
                    secret=data["secret"],
                    actor=request.user,
                    reason=data["reason"],
                    location=commune.name,
                    appearance=appearance,
                )
            except Problem as exc:
                form.add_error(None, _message(exc))
                status = exc.status
            else:
                from xaso.signatures.api import _ascii

                name = _ascii((data["file"].name or "van-ban").rsplit(".", 1)[0])
                response = HttpResponse(signed, content_type="application/pdf")
                response["Content-Disposition"] = f'attachment; filename="{name}-da-ky.pdf"'
                return response
        else:
            status = 422
    return render(
        request,
        "signatures/sign.html",
        {"commune": commune, "form": form, "has_credentials": bool(credentials)},
        status=status,
    )
