"""Idempotent retries for every API write.

A client on a weak connection sends ``Idempotency-Key: <uuid>`` with a POST,
PUT, PATCH or DELETE under ``/api/``. The first request runs and its answer is
stored; a retry with the same key and the same body gets that answer again
(header ``Idempotent-Replayed: true``) without running twice; the same key with
another body is refused (422); a retry while the first is still running gets
409. Answers of 5xx are not stored, so the client may retry them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.problems import problem_response

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEEP_FOR = dt.timedelta(hours=24)
REPLAYED_HEADERS = ("Location", "Content-Language")


def _scope(request) -> str:
    auth = request.META.get("HTTP_AUTHORIZATION", "")
    if auth:
        who = "a:" + auth
    elif request.COOKIES.get("sessionid"):
        who = "s:" + request.COOKIES["sessionid"]
    else:
        from xaso.core.http import client_ip

        who = "ip:" + (client_ip(request) or "")
    return hashlib.sha256(who.encode()).hexdigest()


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        key = request.META.get("HTTP_IDEMPOTENCY_KEY")
        if (
            key is None
            or request.method not in WRITE_METHODS
            or not request.path.startswith("/api/")
        ):
            return self.get_response(request)
        key = key.strip().strip('"')
        if not key or len(key) > 255 or not key.isprintable():
            return problem_response(
                request,
                400,
                _("Idempotency-Key phải có từ 1 đến 255 ký tự in được."),
                code="bad-idempotency-key",
            )
        from xaso.core.models import IdempotencyRecord

        fingerprint = hashlib.sha256(
            request.method.encode() + b" " + request.get_full_path().encode() + b"\n" + request.body
        ).hexdigest()
        scope = _scope(request)
        try:
            record = self._claim(IdempotencyRecord, scope, key, fingerprint)
        except IntegrityError:
            existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
            if existing is not None and existing.created_at < timezone.now() - KEEP_FOR:
                # The key's earlier use has expired: the key is free again.
                existing.delete()
                try:
                    record = self._claim(IdempotencyRecord, scope, key, fingerprint)
                except IntegrityError:  # another retry claimed it in between
                    existing = IdempotencyRecord.objects.filter(scope=scope, key=key).first()
                else:
                    return self._run(request, record)
            if existing is None:  # expired and removed in between: just run it
                return self.get_response(request)
            if existing.fingerprint != fingerprint:
                return problem_response(
                    request,
                    422,
                    _("Idempotency-Key này đã được dùng cho một yêu cầu khác."),
                    code="idempotency-key-reused",
                )
            if not existing.completed:
                return problem_response(
                    request,
                    409,
                    _("Yêu cầu với Idempotency-Key này đang được xử lý."),
                    code="idempotency-in-progress",
                    headers={"Retry-After": "1"},
                )
            response = HttpResponse(
                bytes(existing.body or b""),
                status=existing.status,
                content_type=existing.content_type,
            )
            for name, value in existing.headers.items():
                response[name] = value
            response["Idempotent-Replayed"] = "true"
            return response
        return self._run(request, record)

    @staticmethod
    def _claim(model, scope: str, key: str, fingerprint: str):
        with transaction.atomic():
            return model.objects.create(scope=scope, key=key, fingerprint=fingerprint)

    def _run(self, request, record):
        response = self.get_response(request)
        if response.status_code >= 500 or getattr(response, "streaming", False):
            record.delete()
            return response
        record.completed = True
        record.status = response.status_code
        record.content_type = response.get("Content-Type", "")
        record.body = response.content
        record.headers = {h: response[h] for h in REPLAYED_HEADERS if response.has_header(h)}
        record.save(update_fields=["completed", "status", "content_type", "body", "headers"])
        return response


class VietnameseFirstLocaleMiddleware:
    """Vietnamese unless the person chose another language.

    Django's LocaleMiddleware follows the browser's Accept-Language, which on most
    phones sold in Vietnam still says English; here only the explicit choice (the
    language cookie set by the switcher) changes the language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation
        from django.utils.cache import patch_vary_headers

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


def _unstorable(value: str) -> bool:
    return "\x00" in value or any("\ud800" <= ch <= "\udfff" for ch in value)


class RejectUnstorableInputMiddleware:
    """Refuse query strings and form fields no database can store (NUL, lone surrogates).

    PostgreSQL rejects NUL in text; checking once at the edge spares every view,
    form and future domain from a 500. The API also validates its own text fields.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/api/"):
            # The API types its text fields and answers 422 naming the field.
            return self.get_response(request)
        values = [v for _key, vs in request.GET.lists() for v in [_key, *vs]]
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            values += [v for _key, vs in request.POST.lists() for v in [_key, *vs]]
        if any(_unstorable(v) for v in values if isinstance(v, str)):
            from xaso.core.views import error_400

            return error_400(request)
        return self.get_response(request)
