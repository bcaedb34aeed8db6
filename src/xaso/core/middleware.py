"""Idempotent retries for every API write.

A client on a weak connection sends ``Idempotency-Key: <uuid>`` with a POST,
PUT, PATCH or DELETE under ``/api/``. The first request runs and its answer is
stored; a retry with the same key and the same request gets that answer again
(header ``Idempotent-Replayed: true``) without running twice; the same key with
another request is refused (422); a retry while the first is still running gets
409. Answers of 5xx are not stored, so the client may retry them. Views outside
``/api/`` (Open311) get the same with the :func:`idempotent` decorator.

"The same request" is what it means, not its bytes (:func:`fingerprint`): a
multipart body is its fields and the digests of its files — the boundary, which
every client draws anew for each attempt, does not count — and a JSON body is
compared in canonical form.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from functools import wraps
from urllib.parse import parse_qsl

from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xaso.core.problems import problem_response
from xaso.core.text import unstorable_char

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
KEEP_FOR = dt.timedelta(hours=24)
REPLAYED_HEADERS = ("Location", "Content-Language", "Access-Control-Allow-Origin")


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


def _canonical(value) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8", "surrogatepass"
    )


def fingerprint(request) -> str:
    """What a write means: method, path, query and body, independent of its encoding.

    Query and form fields are compared as sorted (name, value) pairs; a multipart body
    as its fields and, per file, the field name, file name, size and SHA-256 of the
    content; a JSON body in canonical form (sorted keys, no spaces); anything else as
    bytes. Files are read in chunks and rewound for the view, and a multipart body is
    never loaded into memory whole.
    """
    media = (request.content_type or "").lower()
    query = sorted(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True))
    parts: dict = {"method": request.method, "path": request.path, "query": query}
    if media == "multipart/form-data":
        parts["fields"] = sorted((k, v) for k, vs in request.POST.lists() for v in vs)
        files = []
        for name, uploads in request.FILES.lists():
            for upload in uploads:
                digest = hashlib.sha256()
                for chunk in upload.chunks():
                    digest.update(chunk)
                upload.seek(0)
                files.append((name, upload.name, upload.size, digest.hexdigest()))
        parts["files"] = sorted(files)
    elif media == "application/x-www-form-urlencoded":
        parts["fields"] = sorted((k, v) for k, vs in request.POST.lists() for v in vs)
    else:
        body = request.body
        if media == "application/json" or media.endswith("+json"):
            try:
                parts["json"] = json.loads(body)
            except (ValueError, RecursionError):
                parts["bytes"] = hashlib.sha256(body).hexdigest()
        else:
            parts["bytes"] = hashlib.sha256(body).hexdigest()
        parts["media"] = media
    try:
        encoded = _canonical(parts)
    except (ValueError, RecursionError):  # too deep to canonicalise: its bytes, then
        encoded = _canonical({k: v for k, v in parts.items() if k != "json"}) + request.body
    return hashlib.sha256(encoded).hexdigest()


def _problem_refusal(request, status: int, message, code: str, headers=None):
    return problem_response(request, status, message, code=code, headers=headers)


def run_idempotent(request, get_response, *, scope=None, refuse=_problem_refusal):
    """Run ``get_response(request)`` once per ``Idempotency-Key`` of a write.

    ``scope(request)`` names the caller (default: its token, session or address);
    ``refuse(request, status, message, code, headers)`` renders a refusal in the
    caller's format (default: problem+json).
    """
    key = request.META.get("HTTP_IDEMPOTENCY_KEY")
    if key is None or request.method not in WRITE_METHODS:
        return get_response(request)
    key = key.strip().strip('"')
    if not key or len(key) > 255 or not key.isprintable():
        return refuse(
            request,
            400,
            _("Idempotency-Key phải có từ 1 đến 255 ký tự in được."),
            "bad-idempotency-key",
        )
    from xaso.core.models import IdempotencyRecord

    print_ = fingerprint(request)
    who = scope(request) if scope is not None else _scope(request)
    try:
        record = _claim(IdempotencyRecord, who, key, print_)
    except IntegrityError:
        existing = IdempotencyRecord.objects.filter(scope=who, key=key).first()
        if existing is not None and existing.created_at < timezone.now() - KEEP_FOR:
            # The key's earlier use has expired: the key is free again.
            existing.delete()
            try:
                record = _claim(IdempotencyRecord, who, key, print_)
            except IntegrityError:  # another retry claimed it in between
                existing = IdempotencyRecord.objects.filter(scope=who, key=key).first()
            else:
                return _run(request, get_response, record)
        if existing is None:  # expired and removed in between: just run it
            return get_response(request)
        if existing.fingerprint != print_:
            return refuse(
                request,
                422,
                _("Idempotency-Key này đã được dùng cho một yêu cầu khác."),
                "idempotency-key-reused",
            )
        if not existing.completed:
            return refuse(
                request,
                409,
                _("Yêu cầu với Idempotency-Key này đang được xử lý."),
                "idempotency-in-progress",
                {"Retry-After": "1"},
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
    return _run(request, get_response, record)


def _claim(model, scope: str, key: str, fingerprint: str):
    with transaction.atomic():
        return model.objects.create(scope=scope, key=key, fingerprint=fingerprint)


def _run(request, get_response, record):
    try:
        response = get_response(request)
    except BaseException:
        record.delete()  # nothing was answered: the key stays free for the retry
        raise
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


class IdempotencyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        return run_idempotent(request, self.get_response)


def idempotent(*, scope=None, refuse=_problem_refusal):
    """The API's ``Idempotency-Key`` handling for a view outside ``/api/``."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            return run_idempotent(
                request, lambda r: view(r, *args, **kwargs), scope=scope, refuse=refuse
            )

        return wrapper

    return decorator


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


class RejectUnstorableInputMiddleware:
    """Refuse query strings and form fields that break the string rule (``core.text``).

    Every HTML form and search of every domain gets a 400 page naming the field and
    the character before any view runs, instead of a 500 from the database (NUL on
    PostgreSQL) or from an export later. The API (422 naming the field, from its
    ``Text`` type and the services) and Open311 (its own error list) check their input
    themselves.
    """

    SKIP = ("/api/", "/open311/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith(self.SKIP):
            return self.get_response(request)
        pairs = list(request.GET.lists())
        if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        ):
            pairs += list(request.POST.lists())
        for name, values in pairs:
            char = unstorable_char([name, *values])
            if char is not None:
                return self.refuse(request, "?" if unstorable_char(name) else name, char)
        return self.get_response(request)

    @staticmethod
    def refuse(request, field: str, char: str):
        from django.shortcuts import render

        from xaso.core.problems import TITLES
        from xaso.core.text import unstorable_error

        error = unstorable_error(field, char)
        return render(
            request,
            "error.html",
            {"status": 400, "title": TITLES[400], "message": error.message % error.params},
            status=400,
        )
