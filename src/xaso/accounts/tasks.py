"""Messages to people — SMS and e-mail — sent off the request path, retried with
backoff, and listed in the office when they give up (``core.retry``)."""

from xaso.core.retry import retrying_task


@retrying_task(channel="sms", describe=lambda to, body, **_: (to, body))
def send_sms_task(to: str, body: str, commune_id: int | None = None) -> None:
    """Deliver one SMS through the configured transport. ``commune_id`` files a final
    failure under the commune whose office should see it."""
    from xaso.accounts.sms import send_sms

    send_sms(to, body)


# A sign-in code is worth nothing after XASO_OTP_TTL_SECONDS (5 minutes): three quick
# tries, and a failure record without the code (it cannot be sent again).
@retrying_task(
    channel="sms",
    describe=lambda to, body, **_: (to, "Mã đăng nhập (không lưu mã)"),
    attempts=3,
    base_seconds=10,
    max_seconds=60,
    secret=True,
)
def send_code_sms_task(to: str, body: str) -> None:
    """Deliver one SMS carrying a one-time sign-in code."""
    from xaso.accounts.sms import send_sms

    send_sms(to, body)


@retrying_task(
    channel="email",
    describe=lambda to, subject, body, **_: (to, subject),
    attempts=6,
    base_seconds=120,
    max_seconds=7200,
)
def send_email_task(to: str, subject: str, body: str, commune_id: int | None = None) -> None:
    """One e-mail through the configured backend."""
    from django.conf import settings
    from django.core.mail import send_mail

    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])
