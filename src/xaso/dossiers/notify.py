"""Events of the dossier domain and the citizen's notification transports.

Services call :func:`publish` (the platform's event bus, ``xaso.core.events``) inside
their transaction; subscribers run after the commit, so a rolled-back change tells nobody.
The citizen is told through the transports listed in ``settings.DOSSIER_NOTIFIERS``
(dotted paths; default: SMS, e-mail and in-app), each a class with
``send(dossier, user, subject, body, sms)``. A failing transport is logged and does
not stop the others.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from xaso.core.events import subscribe
from xaso.core.text import fold

log = logging.getLogger(__name__)

# --- Transports ------------------------------------------------------------------------


class SmsNotifier:
    def send(self, dossier, user, subject: str, body: str, sms: str) -> None:
        if not dossier.applicant_phone:
            return
        from xaso.accounts.tasks import send_sms_task

        send_sms_task.enqueue(to=dossier.applicant_phone, body=sms, commune_id=dossier.commune_id)


class EmailNotifier:
    def send(self, dossier, user, subject: str, body: str, sms: str) -> None:
        if not dossier.applicant_email:
            return
        from xaso.accounts.tasks import send_email_task

        send_email_task.enqueue(
            to=dossier.applicant_email, subject=subject, body=body, commune_id=dossier.commune_id
        )


class InAppNotifier:
    def send(self, dossier, user, subject: str, body: str, sms: str) -> None:
        if user is None:
            return
        from xaso.dossiers.models import Notice

        Notice.objects.create(dossier=dossier, user=user, body=body)


DEFAULT_NOTIFIERS = [
    "xaso.dossiers.notify.SmsNotifier",
    "xaso.dossiers.notify.EmailNotifier",
    "xaso.dossiers.notify.InAppNotifier",
]


@cache
def _notifier(path: str):
    return import_string(path)()


def notifiers() -> list:
    return [_notifier(p) for p in getattr(settings, "DOSSIER_NOTIFIERS", DEFAULT_NOTIFIERS)]


def tracking_url(dossier) -> str:
    return f"{settings.SITE_URL}/tra-cuu-ho-so/?ma={dossier.code}"


def message_for(dossier, state: int, note: str = "") -> tuple[str, str, str]:
    """(subject, body, sms) in Vietnamese; the SMS is unaccented ASCII (one segment
    on cheap phones)."""
    from xaso.dossiers.models import State

    with translation.override("vi"):
        label = str(State(state).label)
        subject = str(_("Hồ sơ %(code)s: %(state)s") % {"code": dossier.code, "state": label})
        lines = [
            str(
                _("Hồ sơ %(code)s (%(procedure)s) đã chuyển sang trạng thái: %(state)s.")
                % {"code": dossier.code, "procedure": dossier.procedure.name, "state": label}
            )
        ]
        if note:
            lines.append(note)
        if dossier.due_at and state in (2, 4):
            lines.append(str(_("Hẹn trả kết quả: %(due)s.") % {"due": _local(dossier.due_at)}))
        lines.append(str(_("Tra cứu: %(url)s") % {"url": tracking_url(dossier)}))
        body = "\n".join(lines)
    sms = f"Xa So: ho so {dossier.code} {fold(label)}. Tra cuu: {tracking_url(dossier)}"
    return subject, body, sms


def _local(value) -> str:
    from django.utils import timezone

    return timezone.localtime(value).strftime("%H:%M %d/%m/%Y")


def notify_citizen(name: str, *, dossier_id: int, state: int, note: str = "", **_kw) -> None:
    from xaso.dossiers.models import Dossier

    # Only what the messages use: compiling a select of every column of the dossier, the
    # procedure and the user cost more than the rest of the notification.
    dossier = (
        Dossier.objects.select_related("procedure")
        .only(
            "code",
            "state",
            "due_at",
            "commune_id",
            "applicant_phone",
            "applicant_email",
            "applicant_user_id",
            "procedure__name",
        )
        .get(pk=dossier_id)
    )
    subject, body, sms = message_for(dossier, state, note)
    for notifier in notifiers():
        try:
            notifier.send(dossier, dossier.applicant_user, subject, body, sms)
        except Exception:
            log.exception("dossier notifier %s failed", type(notifier).__name__)


def queue_citizen_notice(name: str, *, dossier_id: int, state: int, note: str = "", **_kw) -> None:
    from xaso.dossiers.tasks import notify_citizen_task

    notify_citizen_task.enqueue(dossier_id=dossier_id, state=state, note=note)


subscribe("dossier.state_changed", queue_citizen_notice)
