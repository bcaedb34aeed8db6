"""Shared pieces for every domain's API: auth, pagination, problem+json errors."""

from __future__ import annotations

import logging
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PaginationBase
from ninja.security import HttpBearer, SessionAuth, django_auth
from pydantic import AfterValidator

from xaso.core.problems import Problem, from_problem, problem_response
from xaso.core.tenancy import commune_for
from xaso.core.text import codepoint, unstorable_char

log = logging.getLogger(__name__)


class BearerToken(HttpBearer):
    """``Authorization: Bearer xs_…`` — a token from ``xaso issue_token``."""

    def authenticate(self, request: HttpRequest, token: str):
        from xaso.accounts.services import user_for_token

        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user


def _storable(value: str) -> str:
    # The one rule for stored strings (core.text): no NUL (PostgreSQL), no unpaired
    # surrogate (no encoder), no other control character but tab and line breaks.
    char = unstorable_char(value)
    if char is not None:
        raise ValueError(
            f"must not contain {codepoint(char)}: control characters other than tab and "
            "line breaks, and unpaired surrogates, cannot be stored"
        )
    return value


#: Free text from a client (search words, filters, names): any string a database can store.
Text = Annotated[str, AfterValidator(_storable)]

#: Officials and citizens: a browser session or a bearer token.
AUTH = [BearerToken(), django_auth]


# --- Auth that checks the commune of the path before the body is read ---------------


def _check_commune(request, user, action: str):
    match = getattr(request, "resolver_match", None)
    code = match.kwargs.get("code") if match else None
    if user is not None and code is not None:
        # 404 for an unknown commune, 403 for another commune's official — before any
        # body is parsed, so a stranger learns nothing from validation errors either.
        commune_for(user, code, action)
    return user


class _CommuneBearer(BearerToken):
    def __init__(self, action: str):
        super().__init__()
        self.action = action

    def authenticate(self, request, token):
        return _check_commune(request, super().authenticate(request, token), self.action)


class _CommuneSession(SessionAuth):
    def __init__(self, action: str):
        super().__init__()
        self.action = action

    def authenticate(self, request, key):
        return _check_commune(request, super().authenticate(request, key), self.action)


def commune_auth(action: str) -> list:
    """AUTH, plus ``action`` in the path's commune checked at authentication time."""
    return [_CommuneBearer(action), _CommuneSession(action)]


class Page(PaginationBase):
    """``?page=1&page_size=50`` → ``{"items": [...], "count": N, "page": 1, "pages": K}``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=100_000)
        page_size: int = Field(settings.API_PAGE_SIZE, ge=1, le=200)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        size = pagination.page_size
        offset = (pagination.page - 1) * size
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        return {
            "items": list(queryset[offset : offset + size]),
            "count": count,
            "page": pagination.page,
            "pages": max(1, -(-count // size)),
        }


class ProblemSchema(Schema):
    type: str
    title: str
    status: int
    detail: str
    title_en: str
    detail_en: str
    instance: str | None = None


def _validation_message(errors: list[dict]) -> tuple[str, list[dict]]:
    fields = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "payload")]
        fields.append({"field": ".".join(loc), "message": err.get("msg", "")})
    return ", ".join(f["field"] for f in fields if f["field"]), fields


def install_problem_handlers(api) -> None:
    @api.exception_handler(Problem)
    def _problem(request, exc: Problem):
        return from_problem(request, exc)

    @api.exception_handler(ValidationError)
    def _validation(request, exc: ValidationError):
        names, fields = _validation_message(exc.errors)
        return problem_response(
            request,
            422,
            _("Dữ liệu gửi lên không hợp lệ: %(fields)s."),
            code="validation-error",
            params={"fields": names or "?"},
            errors=fields,
        )

    @api.exception_handler(DjangoValidationError)
    def _django_validation(request, exc: DjangoValidationError):
        if hasattr(exc, "message_dict"):
            fields = [{"field": k, "message": " ".join(v)} for k, v in exc.message_dict.items()]
        else:
            fields = [{"field": "", "message": m} for m in exc.messages]
        return problem_response(
            request,
            422,
            _("Dữ liệu không hợp lệ: %(messages)s"),
            code="validation-error",
            params={"messages": " ".join(f["message"] for f in fields)},
            errors=fields,
        )

    @api.exception_handler(AuthenticationError)
    def _unauthenticated(request, exc):
        return problem_response(
            request,
            401,
            _("Cần đăng nhập hoặc gửi mã truy cập (Bearer)."),
            code="not-authenticated",
            headers={"WWW-Authenticate": "Bearer"},
        )

    @api.exception_handler(PermissionDenied)
    def _forbidden(request, exc):
        return problem_response(
            request, 403, _("Bạn không có quyền thực hiện việc này."), code="forbidden"
        )

    @api.exception_handler(Http404)
    def _not_found(request, exc):
        return problem_response(request, 404, _("Không tìm thấy."), code="not-found")

    @api.exception_handler(HttpError)
    def _http_error(request, exc: HttpError):
        return problem_response(
            request,
            exc.status_code,
            _("Yêu cầu không được chấp nhận: %(reason)s"),
            code="http-error",
            params={"reason": str(exc)},
        )

    @api.exception_handler(Exception)
    def _unexpected(request, exc):
        log.exception("unhandled API error", exc_info=exc)
        return problem_response(
            request,
            500,
            _("Đã có lỗi ngoài dự kiến. Yêu cầu chưa được thực hiện."),
            code="server-error",
        )
