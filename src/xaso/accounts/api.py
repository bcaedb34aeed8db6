import datetime as dt

from django.contrib.auth import login
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from xaso.accounts import services
from xaso.accounts.models import ApiToken, CitizenProfile
from xaso.accounts.selectors import officials_of
from xaso.accounts.validators import mask_phone
from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.api import AUTH, Page, Text
from xaso.core.http import client_ip
from xaso.core.problems import Problem
from xaso.core.tenancy import commune_for, get_owned_or_404

router = Router(tags=["Tài khoản"])


class PhoneIn(Schema):
    phone: str


class PhoneCodeSent(Schema):
    phone: str
    expires_in: int


@router.post("/auth/phone-code", response={202: PhoneCodeSent}, summary="Gửi mã đăng nhập qua SMS")
def request_phone_code(request, payload: PhoneIn):
    from django.conf import settings

    phone = services.request_phone_code(payload.phone, ip=client_ip(request))
    return Status(202, {"phone": mask_phone(phone), "expires_in": settings.OTP_TTL_SECONDS})


class VerifyIn(Schema):
    phone: str
    code: str


class MeOut(Schema):
    username: str
    full_name: str
    phone: str | None
    is_official: bool
    has_profile: bool
    roles: list[dict]


def _me(user) -> dict:
    roles = [
        {
            "role": m.role,
            "commune": m.commune.code_str if m.commune else None,
            "province": m.province.code_str if m.province else None,
            "title": m.title,
        }
        for m in user.memberships.filter(active=True).select_related("commune", "province")
    ]
    return {
        "username": user.username,
        "full_name": user.display_name,
        "phone": user.phone,
        "is_official": permissions.is_official(user),
        "has_profile": CitizenProfile.objects.filter(user=user).exists(),
        "roles": roles,
    }


@router.post("/auth/phone-code/verify", response=MeOut, summary="Đăng nhập bằng mã SMS")
def verify_phone_code(request, payload: VerifyIn):
    phone = services.verify_phone_code(payload.phone, payload.code)
    user = services.citizen_for_phone(phone, ip=client_ip(request))
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    audit.record(user, "accounts.login.phone", user, ip=client_ip(request))
    return _me(user)


@router.get("/me", response=MeOut, auth=AUTH, summary="Tài khoản của tôi")
def me(request):
    return _me(request.user)


class ProfileOut(Schema):
    id: int
    commune_code: str
    full_name: str
    date_of_birth: dt.date
    sex: str
    identity_number: str | None
    identity_number_masked: bool
    phone: str | None
    address: str
    email: str


def _profile(p: CitizenProfile, *, full_id: bool) -> dict:
    return {
        "id": p.pk,
        "commune_code": p.commune.code_str,
        "full_name": p.full_name,
        "date_of_birth": p.date_of_birth,
        "sex": p.sex,
        "identity_number": p.identity_number if full_id else p.masked_identity_number or None,
        "identity_number_masked": not full_id and bool(p.identity_number),
        "phone": p.user.phone if full_id else mask_phone(p.user.phone),
        "address": p.address,
        "email": p.email,
    }


@router.get("/me/profile", response=ProfileOut, auth=AUTH, summary="Hồ sơ công dân của tôi")
def my_profile(request):
    profile = (
        CitizenProfile.objects.select_related("commune", "user").filter(user=request.user).first()
    )
    if profile is None:
        raise Problem(404, _("Bạn chưa khai hồ sơ công dân."))
    return _profile(profile, full_id=True)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: dt.datetime
    last_used_at: dt.datetime | None
    revoked_at: dt.datetime | None


@router.get("/tokens", response=list[TokenOut], auth=AUTH, summary="Mã truy cập API của tôi")
@paginate(Page)
def list_tokens(request):
    return list(ApiToken.objects.filter(user=request.user))


@router.delete("/tokens/{token_id}", response={204: None}, auth=AUTH, summary="Thu hồi mã truy cập")
def revoke_token(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    services.revoke_token(request.user, token)
    return Status(204, None)


class OfficialOut(Schema):
    name: str
    role: str
    role_label: str
    title: str


@router.get(
    "/communes/{code}/officials",
    response=list[OfficialOut],
    auth=AUTH,
    summary="Cán bộ của xã (chỉ cán bộ xem)",
)
@paginate(Page)
def officials(request, code: str):
    commune = commune_for(request.user, code, "office.enter")
    return [
        {
            "name": m.user.display_name,
            "role": m.role,
            "role_label": m.get_role_display(),
            "title": m.title,
        }
        for m in officials_of(commune)
    ]


class CitizenBrief(Schema):
    id: int
    full_name: str
    date_of_birth: dt.date
    identity_number: str | None
    address: str

    @staticmethod
    def resolve_identity_number(obj: CitizenProfile) -> str | None:
        return obj.masked_identity_number or None


@router.get(
    "/communes/{code}/citizens",
    response=list[CitizenBrief],
    auth=AUTH,
    summary="Công dân có tài khoản (số định danh che một phần)",
)
@paginate(Page)
def citizens(request, code: str, q: Text = ""):
    from xaso.core.text import fold

    commune = commune_for(request.user, code, "accounts.view_citizens")
    qs = CitizenProfile.objects.filter(commune=commune).order_by("full_name", "id")
    if fold(q):
        qs = qs.filter(full_name_folded__contains=fold(q))
    audit.record(
        request.user,
        "accounts.citizens.list",
        None,
        commune=commune,
        ip=client_ip(request),
        personal_data=True,
        detail={"q": q[:100]},
    )
    return qs


@router.get(
    "/communes/{code}/citizens/{profile_id}",
    response=ProfileOut,
    auth=AUTH,
    summary="Hồ sơ một công dân (mỗi lần xem được ghi nhật ký)",
)
def citizen(request, code: str, profile_id: int):
    commune = commune_for(request.user, code, "accounts.view_citizens")
    profile = get_owned_or_404(
        CitizenProfile.objects.filter(commune=commune).select_related("user"),
        request.user,
        "accounts.view_citizens",
        pk=profile_id,
    )
    full = permissions.has_perm(request.user, "accounts.view_identity_number", commune)
    audit.record_read(
        request.user, profile, ip=client_ip(request), detail={"full_identity_number": full}
    )
    return _profile(profile, full_id=full)
