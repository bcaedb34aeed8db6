"""RFC 9457 problem details, with the message in Vietnamese and in English.

Messages are written in Vietnamese (the source language of the catalogue) and
translated to English through gettext, so one lazy string gives both.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

PROBLEM_CONTENT_TYPE = "application/problem+json"

TITLES = {
    400: _("Yêu cầu không hợp lệ"),
    401: _("Chưa đăng nhập"),
    403: _("Không có quyền"),
    404: _("Không tìm thấy"),
    405: _("Phương thức không được hỗ trợ"),
    409: _("Xung đột"),
    413: _("Dữ liệu quá lớn"),
    422: _("Dữ liệu không hợp lệ"),
    429: _("Quá nhiều yêu cầu"),
    500: _("Lỗi máy chủ"),
    503: _("Dịch vụ tạm thời không sẵn sàng"),
}


def in_both(message: Any, params: dict | None = None) -> tuple[str, str]:
    """Render a lazy message in Vietnamese and in English."""
    out = []
    for lang in ("vi", "en"):
        with translation.override(lang):
            text = str(message)
            out.append(text % params if params else text)
    return out[0], out[1]


class Problem(Exception):
    """Raised by services and endpoints; turned into problem+json by the API."""

    def __init__(
        self,
        status: int,
        message: Any,
        *,
        code: str | None = None,
        params: dict | None = None,
        extra: dict | None = None,
        headers: dict | None = None,
    ) -> None:
        self.status = status
        self.message = message
        self.code = code or {
            400: "bad-request",
            401: "not-authenticated",
            403: "forbidden",
            404: "not-found",
            409: "conflict",
            422: "validation-error",
            429: "rate-limited",
        }.get(status, "error")
        self.params = params
        self.extra = extra or {}
        self.headers = headers or {}
        super().__init__(in_both(message, params)[1])


def problem_body(
    status: int, code: str, message: Any, params: dict | None = None, **extra: Any
) -> dict:
    detail_vi, detail_en = in_both(message, params)
    title_vi, title_en = in_both(TITLES.get(status, TITLES[500 if status >= 500 else 400]))
    return {
        "type": f"/problems/{code}",
        "title": title_vi,
        "status": status,
        "detail": detail_vi,
        "title_en": title_en,
        "detail_en": detail_en,
        **extra,
    }


def problem_response(
    request: HttpRequest | None,
    status: int,
    message: Any,
    *,
    code: str = "error",
    params: dict | None = None,
    headers: dict | None = None,
    **extra: Any,
) -> HttpResponse:
    body = problem_body(status, code, message, params, **extra)
    if request is not None:
        body["instance"] = request.path
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=PROBLEM_CONTENT_TYPE
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def from_problem(request: HttpRequest | None, exc: Problem) -> HttpResponse:
    return problem_response(
        request,
        exc.status,
        exc.message,
        code=exc.code,
        params=exc.params,
        headers=exc.headers,
        **exc.extra,
    )
