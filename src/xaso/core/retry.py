"""Background deliveries that retry with backoff and, when they give up, say so.

An SMS gateway or a mail relay that is down for ten minutes must not lose a message.
A task declared with :func:`retrying_task` instead of ``django_tasks.task``::

    @retrying_task(channel="sms", describe=lambda to, body, **_: (to, body))
    def send_sms_task(to: str, body: str, commune_id: int | None = None) -> None:
        send_sms(to, body)

is enqueued as usual (``send_sms_task.enqueue(to=…, body=…, commune_id=…)``). When the
function raises, the task enqueues itself again after an exponential backoff with
jitter (:func:`backoff`), up to ``attempts`` tries; after the last one (or at once on
:class:`GiveUp`, a failure no retry can cure) it writes a :class:`~xaso.core.models.
FailedDelivery` that the commune's administrators see in the office
(``/x/<code>/van-phong/gui-that-bai/``, with a "send again" button) and platform
administrators in the Django admin. ``commune_id``, when the task takes it, files the
record under that commune. ``secret=True`` (sign-in codes) keeps the arguments out of
the record, so it can be read but not sent again.

Backends that run tasks later (database, RQ with its scheduler) wait between tries; the
immediate backend (development, tests) cannot wait and tries again at once.
"""

from __future__ import annotations

import functools
import logging
import random
from collections.abc import Callable
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks import task

log = logging.getLogger(__name__)

#: The keyword a retry carries its attempt number in (never passed to the function).
ATTEMPT = "_attempt"


class GiveUp(Exception):
    """Raised by a delivery that no retry can cure (a number the gateway refuses)."""


def backoff(attempt: int, *, base: float, cap: float, rng: Callable[[], float] = random.random):
    """Seconds to wait before try ``attempt + 1``: ``base · 2^(attempt-1)``, capped, with
    "equal jitter" — half of it fixed, half random — so that many messages failing at
    once do not all come back at the same second."""
    ceiling = min(cap, base * 2 ** (attempt - 1))
    return ceiling / 2 + rng() * ceiling / 2


def _supports_defer(task_obj) -> bool:
    return bool(getattr(task_obj.get_backend(), "supports_defer", False))


def retrying_task(
    *,
    channel: str,
    describe: Callable[..., tuple[str, str]],
    attempts: int = 5,
    base_seconds: float = 60,
    max_seconds: float = 3600,
    secret: bool = False,
    **task_options,
):
    """A ``django_tasks`` task that retries with backoff and records its final failure.

    ``describe(**kwargs) -> (recipient, summary)`` says, for the failure record, to whom
    and what (a phone or an address, and a line a person understands; never a secret).
    """

    def decorator(func):
        @functools.wraps(func)
        def run(*args, **kwargs):
            attempt = int(kwargs.pop(ATTEMPT, 1))
            try:
                return func(*args, **kwargs)
            except GiveUp as exc:
                _record(the_task, args, kwargs, attempt, exc)
                raise
            except Exception as exc:
                if attempt >= attempts:
                    _record(the_task, args, kwargs, attempt, exc)
                    raise
                delay = backoff(attempt, base=base_seconds, cap=max_seconds)
                log.warning(
                    "%s failed (try %s of %s), again in %.0f s: %s",
                    the_task.name,
                    attempt,
                    attempts,
                    delay,
                    exc,
                )
                again = the_task
                if _supports_defer(the_task):
                    again = the_task.using(run_after=timezone.now() + timedelta(seconds=delay))
                again.enqueue(*args, **{**kwargs, ATTEMPT: attempt + 1})
                raise

        def _record(task_obj, args, kwargs, attempt, exc):
            from xaso.core.models import FailedDelivery
            from xaso.core.text import scrub

            try:
                recipient, summary = describe(*args, **kwargs)
            except Exception:  # the record must be written whatever the arguments
                recipient, summary = "", ""
            # A gateway's error text is not ours to trust: the record must be written
            # whatever it holds (the string rule, core.text).
            with transaction.atomic():
                FailedDelivery.objects.create(
                    task=task_obj.module_path,
                    channel=channel,
                    recipient=scrub(str(recipient)[:254]),
                    summary=scrub(str(summary)[:300]),
                    commune_id=kwargs.get("commune_id"),
                    kwargs={} if secret or args else scrub(kwargs),
                    retryable=not secret and not args,
                    attempts=attempt,
                    error=scrub(f"{type(exc).__name__}: {exc}"[:2000]),
                )
            log.error("%s gave up after %s tries: %s", task_obj.name, attempt, exc)

        the_task = task(**task_options)(run)
        return the_task

    return decorator


def send_again(actor, failure, *, ip: str | None = None):
    """Enqueue a failed delivery again, from its first try; the record is marked."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils.module_loading import import_string
    from django.utils.translation import gettext_lazy as _

    from xaso.audit import services as audit
    from xaso.core import permissions
    from xaso.core.models import FailedDelivery

    if failure.commune_id is not None:
        permissions.require(actor, "core.deliveries", failure.commune)
    elif not getattr(actor, "is_superuser", False):
        raise PermissionDenied("core.deliveries")
    if not failure.retryable:
        raise ValidationError(_("Tin này không gửi lại được (mã dùng một lần đã hết hạn)."))
    with transaction.atomic():
        claimed = FailedDelivery.objects.filter(pk=failure.pk, retried_at__isnull=True).update(
            retried_at=timezone.now(), retried_by=actor
        )
        if not claimed:  # pressed twice: sent again once
            return False
        audit.record(
            actor,
            "core.delivery.retry",
            failure,
            commune=failure.commune,
            ip=ip,
            detail={"task": failure.task, "channel": failure.channel},
        )
        task_obj = import_string(failure.task)
        kwargs = dict(failure.kwargs)
        transaction.on_commit(lambda: task_obj.enqueue(**kwargs))
    return True
