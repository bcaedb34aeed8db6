"""System checks that fail fast on bad configuration (IDs xaso.E001…)."""

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.utils.module_loading import import_string


@register(Tags.security, deploy=False)
def check_configuration(app_configs, **kwargs):
    errors = []
    if not settings.SECRET_KEY:
        errors.append(
            Error(
                "XASO_SECRET_KEY is not set.",
                hint="Set XASO_SECRET_KEY (or XASO_SECRET_KEY_FILE); see .env.example.",
                id="xaso.E001",
            )
        )
    try:
        import_string(settings.SMS_TRANSPORT)
    except ImportError:
        errors.append(
            Error(
                f"XASO_SMS_TRANSPORT {settings.SMS_TRANSPORT!r} cannot be imported.",
                id="xaso.E002",
            )
        )
    if settings.SMS_TRANSPORT.endswith("HttpGatewayTransport") and not settings.SMS_GATEWAY_URL:
        errors.append(Error("The HTTP SMS transport needs XASO_SMS_GATEWAY_URL.", id="xaso.E003"))
    for name in ("WORKDAY_START", "WORKDAY_END", "COUNTER_CUTOFF"):
        value = getattr(settings, name)
        try:
            hours, minutes = (int(part) for part in value.split(":"))
            if not (0 <= hours < 24 and 0 <= minutes < 60):
                raise ValueError
        except ValueError:
            errors.append(Error(f"XASO_{name} must be HH:MM, got {value!r}.", id="xaso.E004"))
    proxies = settings.TRUSTED_PROXIES
    if settings.BEHIND_PROXY and not 1 <= proxies <= 5:
        errors.append(
            Error(
                f"XASO_TRUSTED_PROXIES must be between 1 and 5, got {proxies}.",
                hint=(
                    "The number of reverse proxies in front of the app that each append "
                    "the address they received the request from to X-Forwarded-For "
                    "(1 for nginx or Caddy alone)."
                ),
                id="xaso.E005",
            )
        )
    return errors
