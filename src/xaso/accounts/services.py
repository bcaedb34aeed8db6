"""Account actions: phone codes, citizen sign-up, official sign-in, TOTP, API tokens.

Every write is audited; brute force is met with rate limits and lock-outs.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

import pyotp
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.accounts.models import ApiToken, CitizenProfile, Membership, PhoneCode, User
from xaso.accounts.tasks import send_code_sms_task
from xaso.accounts.validators import normalize_phone, validate_identity_number
from xaso.audit import services as audit
from xaso.core import ratelimit
from xaso.core.problems import Problem
from xaso.core.roles import Role

OTP_MAX_ATTEMPTS = 5
OTP_RESEND_SECONDS = 60


def _too_many(retry_after: int) -> Problem:
    return Problem(
        429,
        _("Bạn đã thử quá nhiều lần. Vui lòng thử lại sau %(minutes)s phút."),
        params={"minutes": max(1, retry_after // 60)},
        headers={"Retry-After": str(retry_after)},
    )


# --- Phone one-time codes ------------------------------------------------------


def request_phone_code(raw_phone: str, *, ip: str | None = None) -> str:
    """Send a 6-digit sign-in code to a mobile number; returns the normalised number.

    At most ``OTP_MAX_SENDS`` codes per number per lock-out window, one a minute,
    and 20 per address, so nobody can flood a phone or our SMS bill.
    """
    phone = normalize_phone(raw_phone)
    window = settings.LOGIN_LOCKOUT_SECONDS
    if ratelimit.count(f"otp-send:{phone}") >= settings.OTP_MAX_SENDS:
        raise _too_many(window)
    if ip and ratelimit.count(f"otp-send-ip:{ip}") >= 20:
        raise _too_many(window)
    last = PhoneCode.objects.filter(phone=phone).order_by("-created_at").first()
    now = timezone.now()
    if last and (now - last.created_at).total_seconds() < OTP_RESEND_SECONDS:
        raise Problem(
            429,
            _("Mã vừa được gửi. Vui lòng chờ một phút rồi yêu cầu mã mới."),
            headers={"Retry-After": str(OTP_RESEND_SECONDS)},
        )
    ratelimit.hit(f"otp-send:{phone}", window)
    if ip:
        ratelimit.hit(f"otp-send-ip:{ip}", window)
    code = f"{secrets.randbelow(10**6):06d}"
    from xaso.accounts.models import _hash_code

    with transaction.atomic():
        PhoneCode.objects.filter(phone=phone, used_at__isnull=True).update(used_at=now)
        PhoneCode.objects.create(
            phone=phone,
            code_hash=_hash_code(phone, code),
            expires_at=now + dt.timedelta(seconds=settings.OTP_TTL_SECONDS),
        )
        # Unaccented: every handset and SMS gateway shows it, and it fits one segment.
        minutes = settings.OTP_TTL_SECONDS // 60
        body = (
            f"Ma xac thuc Xa So cua ban la {code}. Het han sau {minutes} phut. "
            "Khong chia se ma nay."
        )
        transaction.on_commit(lambda: send_code_sms_task.enqueue(to=phone, body=body))
    return phone


def verify_phone_code(raw_phone: str, code: str) -> str:
    """Check a code; returns the phone number, or raises Problem (400/429)."""
    phone = normalize_phone(raw_phone)
    code = (code or "").strip()
    if wait := ratelimit.locked_for(f"otp-verify:{phone}"):
        raise _too_many(wait)
    with transaction.atomic():
        pending = (
            PhoneCode.objects.select_for_update()
            .filter(phone=phone, used_at__isnull=True, expires_at__gt=timezone.now())
            .order_by("-created_at")
            .first()
        )
        if pending is None:
            matched = None
        elif pending.matches(code):
            matched = True
            pending.used_at = timezone.now()
            pending.save(update_fields=["used_at"])
        else:
            # Count the failure and commit it before answering: a rollback here
            # would give an attacker unlimited guesses.
            matched = False
            pending.attempts += 1
            if pending.attempts >= OTP_MAX_ATTEMPTS:
                pending.used_at = timezone.now()
            pending.save(update_fields=["attempts", "used_at"])
    if matched is None:
        raise Problem(
            400,
            _("Mã xác thực đã hết hạn hoặc chưa được gửi. Vui lòng yêu cầu mã mới."),
            code="otp-expired",
        )
    if matched is False:
        if pending.attempts >= OTP_MAX_ATTEMPTS:
            ratelimit.lock(f"otp-verify:{phone}", settings.LOGIN_LOCKOUT_SECONDS)
        raise Problem(400, _("Mã xác thực không đúng."), code="otp-wrong")
    return phone


@transaction.atomic
def citizen_for_phone(phone: str, *, ip: str | None = None) -> User:
    """The citizen account of a verified phone number, created on first sign-in."""
    user = User.objects.filter(phone=phone).first()
    if user is None:
        user = User(username=f"p{phone}", phone=phone)
        user.set_unusable_password()
        try:
            with transaction.atomic():
                user.save()
        except IntegrityError:  # two sign-ins of the same new number at once
            return User.objects.get(phone=phone)
        audit.record(user, "accounts.citizen.signup", user, ip=ip)
    return user


@transaction.atomic
def save_citizen_profile(
    user: User,
    *,
    commune,
    full_name: str,
    date_of_birth: dt.date,
    sex: str,
    identity_number: str | None = None,
    address: str = "",
    email: str = "",
    ip: str | None = None,
) -> CitizenProfile:
    """Create or update what the state knows about a citizen (validated, audited)."""
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError({"full_name": _("Vui lòng nhập họ và tên.")})
    today = timezone.localdate()
    if date_of_birth > today or date_of_birth.year < today.year - 130:
        raise ValidationError({"date_of_birth": _("Ngày sinh không hợp lệ.")})
    if identity_number:
        try:
            validate_identity_number(identity_number, date_of_birth=date_of_birth, sex=sex)
        except ValidationError as exc:
            raise ValidationError({"identity_number": exc.messages}) from exc
        clash = CitizenProfile.objects.filter(identity_number=identity_number).exclude(user=user)
        if clash.exists():
            raise ValidationError(
                {"identity_number": _("Số định danh cá nhân này đã gắn với một tài khoản khác.")}
            )
    profile = CitizenProfile.objects.filter(user=user).first() or CitizenProfile(user=user)
    created = profile.pk is None
    profile.commune = commune
    profile.full_name = full_name
    profile.date_of_birth = date_of_birth
    profile.sex = sex
    profile.identity_number = identity_number or None
    profile.address = address.strip()
    profile.email = email.strip()
    profile.full_clean(exclude=["user"])
    profile.save()
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    Membership.objects.get_or_create(user=user, role=Role.CITIZEN, commune=commune)
    Membership.objects.filter(user=user, role=Role.CITIZEN).exclude(commune=commune).delete()
    audit.record(
        user, "accounts.profile.create" if created else "accounts.profile.update", profile, ip=ip
    )
    return profile


# --- Officials: password, lock-out, TOTP -------------------------------------------


class SignInResult:
    def __init__(self, user: User | None, needs_totp: bool = False):
        self.user = user
        self.needs_totp = needs_totp


def sign_in_official(
    request, username: str, password: str, *, ip: str | None = None
) -> SignInResult:
    """Check a username and password, with lock-out after repeated failures."""
    key = f"login:{(username or '').strip().lower()}"
    window = settings.LOGIN_LOCKOUT_SECONDS
    wait = max(ratelimit.locked_for(key), ratelimit.locked_for(f"login-ip:{ip}") if ip else 0)
    if wait:
        raise _too_many(wait)
    user = authenticate(request, username=username, password=password)
    if user is None or not user.has_usable_password():
        failures = ratelimit.hit(key, window)
        if ip and ratelimit.hit(f"login-ip:{ip}", window) >= settings.LOGIN_MAX_FAILURES * 10:
            ratelimit.lock(f"login-ip:{ip}", window)
        if failures >= settings.LOGIN_MAX_FAILURES:
            ratelimit.lock(key, window)
            audit.record(
                None, "accounts.login.locked", None, ip=ip, detail={"username": username[:150]}
            )
        else:
            audit.record(
                None, "accounts.login.failed", None, ip=ip, detail={"username": username[:150]}
            )
        raise Problem(400, _("Tên đăng nhập hoặc mật khẩu không đúng."), code="bad-credentials")
    ratelimit.reset(key)
    return SignInResult(user, needs_totp=user.totp_enabled)


def check_totp(user: User, code: str, *, ip: str | None = None) -> None:
    key = f"totp:{user.pk}"
    if wait := ratelimit.locked_for(key):
        raise _too_many(wait)
    if not user.totp_secret or not pyotp.TOTP(user.totp_secret).verify(
        (code or "").strip(), valid_window=1
    ):
        if ratelimit.hit(key, settings.LOGIN_LOCKOUT_SECONDS) >= settings.LOGIN_MAX_FAILURES:
            ratelimit.lock(key, settings.LOGIN_LOCKOUT_SECONDS)
        audit.record(user, "accounts.totp.failed", user, ip=ip)
        raise Problem(400, _("Mã xác thực hai bước không đúng."), code="bad-totp")
    ratelimit.reset(key)


def start_totp(user: User) -> str:
    """Make a new secret (not yet enabled) and return the provisioning URI."""
    user.totp_secret = pyotp.random_base32()
    user.totp_enabled = False
    user.save(update_fields=["totp_secret", "totp_enabled"])
    return pyotp.TOTP(user.totp_secret).provisioning_uri(name=user.username, issuer_name="Xã Số")


def confirm_totp(user: User, code: str, *, ip: str | None = None) -> None:
    check_totp(user, code, ip=ip)
    user.totp_enabled = True
    user.save(update_fields=["totp_enabled"])
    audit.record(user, "accounts.totp.enable", user, ip=ip)


def disable_totp(user: User, *, ip: str | None = None) -> None:
    user.totp_enabled = False
    user.totp_secret = ""
    user.save(update_fields=["totp_enabled", "totp_secret"])
    audit.record(user, "accounts.totp.disable", user, ip=ip)


# --- API tokens ------------------------------------------------------------------------

TOKEN_PREFIX = "xs_"  # noqa: S105 - a public prefix, not a secret


def _token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def issue_token(user: User, name: str = "", *, actor=None) -> tuple[ApiToken, str]:
    """Create a bearer token; the raw value is returned once and never stored."""
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name[:100], prefix=raw[3:11], token_hash=_token_hash(raw)
    )
    audit.record(actor or user, "accounts.token.issue", token, detail={"user": user.username})
    return token, raw


def user_for_token(raw: str) -> User | None:
    if not raw or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(token_hash=_token_hash(raw), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def revoke_token(actor: User, token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor, "accounts.token.revoke", token, detail={"user": token.user.username})
