"""Open311 GeoReport v2 at /open311/v2/ (http://wiki.open311.org/GeoReport_v2).

Plain Django views, not the platform's ninja API: the standard fixes the URLs
(``requests.json``, ``requests.xml``), the form-encoded POST, the field names and
the error format (a list of ``{code, description}``), and third-party clients
rely on them. ``jurisdiction_id`` is the commune's 5-digit code; the server hosts
many communes, so it is required except on ``discovery``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from xml.etree import ElementTree as ET

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from xaso.core.http import client_ip
from xaso.core.middleware import idempotent
from xaso.core.problems import Problem, in_both
from xaso.core.text import scrub, unstorable_char, unstorable_error
from xaso.feedback import services
from xaso.feedback.models import (
    CLOSED_STATUSES,
    OPEN_STATUSES,
    Category,
    Photo,
    Report,
    Status,
    version_key,
)
from xaso.workdays.calendar import VN

SPEC_URL = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-23T00:00:00+07:00"
MAX_RESULTS = 1000
DEFAULT_WINDOW = dt.timedelta(days=90)
CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
#: XML element names of list items, by the name of the list.
XML_ITEMS = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


class Open311Error(Exception):
    def __init__(self, status: int, message, params: dict | None = None):
        self.status = status
        self.message = message
        self.params = params
        super().__init__(str(message))


# --- Rendering ---------------------------------------------------------------------


def _xml_add(parent: ET.Element, name: str, value) -> None:
    node = ET.SubElement(parent, name)
    if isinstance(value, list):
        item_name = XML_ITEMS.get(name, "item")
        for item in value:
            _xml_add(node, item_name, item)
    elif isinstance(value, dict):
        for key, sub in value.items():
            _xml_add(node, key, sub)
    elif isinstance(value, bool):
        node.text = "true" if value else "false"
    elif value is not None:
        node.text = scrub(str(value))  # XML 1.0 has no control characters


def render(fmt: str, root: str, data, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        element = ET.Element(root)
        if isinstance(data, list):
            for item in data:
                _xml_add(element, XML_ITEMS.get(root, "item"), item)
        else:
            for key, value in data.items():
                _xml_add(element, key, value)
        body = b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")
        body = body.replace(b"<?xml version='1.0' encoding='utf-8'?>\n", b"")
    else:
        try:
            body = json.dumps(data, ensure_ascii=False).encode()
        except UnicodeEncodeError:  # a string stored before the string rule
            body = json.dumps(scrub(data), ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def error(fmt: str, status: int, message, params: dict | None = None) -> HttpResponse:
    """Open311 errors: ``[{"code": 400, "description": "..."}]`` (Vietnamese, then English)."""
    vi, en = in_both(message, params)
    description = vi if vi == en else f"{vi} / {en}"
    return render(fmt, "errors", [{"code": status, "description": description}], status=status)


def _check_input(request) -> None:
    """The string rule (``core.text``) over the query and the form, answered as an
    Open311 error naming the field rather than the HTML 400 page of the site."""
    pairs = list(request.GET.lists())
    if request.method == "POST":
        pairs += list(request.POST.lists())
    for name, values in pairs:
        char = unstorable_char([name, *values])
        if char is not None:
            field = "?" if unstorable_char(name) else name[:100]
            refusal = unstorable_error(field, char)
            raise Open311Error(400, refusal.message, refusal.params)


def answer(fmt: str, call) -> HttpResponse:
    """``call()``, with Open311Error, Problem, ValidationError and Http404 turned into
    Open311 errors."""
    try:
        return call()
    except Open311Error as exc:
        return error(fmt, exc.status, exc.message, exc.params)
    except Problem as exc:
        return error(fmt, 400 if exc.status == 422 else exc.status, exc.message, exc.params)
    except ValidationError as exc:
        messages = (
            [" ".join(str(m) for m in v) for v in exc.message_dict.values()]
            if hasattr(exc, "message_dict")
            else [str(m) for m in exc.messages]
        )
        return error(fmt, 400, "%(m)s", {"m": " ".join(messages)})
    except Http404:
        return error(fmt, 404, _("Không tìm thấy."))


def open311_view(methods=("GET",)):
    """Check the input against the string rule and answer every refusal as an Open311
    error list (:func:`answer`)."""

    def decorator(view):
        @require_http_methods(list(methods))
        def wrapper(request, fmt, *args, **kwargs):
            def call():
                _check_input(request)
                return view(request, fmt, *args, **kwargs)

            return answer(fmt, call)

        wrapper.__name__ = view.__name__
        wrapper.__doc__ = view.__doc__
        return wrapper

    return decorator


_VN_OFFSET = dt.timedelta(hours=7)


def w3c(value: dt.datetime | None) -> str | None:
    """W3C date-time in Vietnam's time. The offset is fixed (+07:00, no daylight
    saving), so the arithmetic below equals ``localtime`` at a fraction of its cost
    — it runs three times per row of a 1000-row list."""
    if value is None:
        return None
    local = (value.astimezone(dt.UTC) + _VN_OFFSET).replace(tzinfo=None, microsecond=0)
    return local.isoformat() + "+07:00"


def absolute(path: str) -> str:
    return settings.SITE_URL + path


# --- Inputs -------------------------------------------------------------------------


def jurisdiction(request, *, required: bool = True):
    from xaso.geo.models import Commune
    from xaso.geo.selectors import parse_commune_code

    # A POST carries it in the form; some clients put it in the query string.
    raw = (request.POST.get("jurisdiction_id") if request.method == "POST" else None) or (
        request.GET.get("jurisdiction_id", "")
    )
    raw = raw.strip()
    if not raw:
        if required:
            raise Open311Error(400, _("Thiếu jurisdiction_id (mã xã 5 chữ số)."))
        return None
    number = parse_commune_code(raw)
    commune = (
        Commune.objects.select_related("province").filter(code=number).first()
        if number is not None
        else None
    )
    if commune is None:
        raise Open311Error(404, _("Không tìm thấy jurisdiction_id %(id)s."), {"id": raw[:20]})
    return commune


_SPACE_OFFSET = re.compile(r"(T\d\d:\d\d(?::\d\d(?:\.\d+)?)?) (\d\d:?\d\d)$")


def parse_when(raw: str, name: str, *, end: bool = False) -> dt.datetime | None:
    """ISO 8601 / W3C date or date-time; a "+" sent unencoded arrives as a space."""
    raw = (raw or "").strip()
    if not raw:
        return None
    raw = _SPACE_OFFSET.sub(r"\1+\2", raw)
    try:
        value = parse_datetime(raw)
        if value is None:
            day = parse_date(raw)
            if day is not None:
                value = dt.datetime.combine(day, dt.time.max if end else dt.time.min)
    except ValueError:
        value = None
    if value is None:
        raise Open311Error(400, _("%(name)s không đúng định dạng ISO 8601."), {"name": name})
    if timezone.is_naive(value):
        value = value.replace(tzinfo=VN)
    return value


def _service(category: Category) -> dict:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": "",
        "group": category.group,
    }


def _definition(category: Category) -> dict:
    attributes = []
    for order, spec in enumerate(category.attributes or [], start=1):
        attributes.append(
            {
                "variable": bool(spec.get("variable", True)),
                "code": spec.get("code", ""),
                "datatype": spec.get("datatype", "string"),
                "required": bool(spec.get("required", False)),
                "datatype_description": spec.get("datatype_description", ""),
                "order": spec.get("order", order),
                "description": spec.get("description", ""),
                "values": [
                    {"key": v.get("key"), "name": v.get("name")} for v in spec.get("values", [])
                ],
            }
        )
    return {"service_code": category.code, "attributes": attributes}


def _status_notes(row: dict) -> str:
    if row["duplicate_of_id"]:
        return f"Trùng với phản ánh số {row['duplicate_of_id']}"
    if row["status"] == Status.REJECTED:
        return row["reject_reason"]
    if row["status"] in (Status.RESOLVED, Status.CLOSED):
        return row["answer"]
    return ""


REQUEST_FIELDS = (
    "id",
    "status",
    "description",
    "moderated_description",
    "answer",
    "reject_reason",
    "duplicate_of_id",
    "received_at",
    "updated_at",
    "expected_at",
    "address_string",
    "lat",
    "long",
    "category__code",
    "category__name",
)


def serialise_requests(rows: list[dict], commune) -> list[dict]:
    """Report rows (``values(*REQUEST_FIELDS)``) as Open311 service requests.

    Public data only: no reporter identity (the standard GET has none), the
    moderated text when there is one, the metadata-free photo copy.
    """
    ids = [r["id"] for r in rows]
    first_photo: dict[int, int] = {}
    if ids:
        for report_id, photo_id in (
            Photo.objects.filter(report_id__in=ids, hidden=False)
            .order_by("-id")
            .values_list("report_id", "id")
        ):
            first_photo[report_id] = photo_id
    agency = f"UBND {commune.name}"
    photo_url = absolute(reverse("feedback:photo", args=[0]))[: -len("0/")]
    out = []
    for r in rows:
        photo = first_photo.get(r["id"])
        out.append(
            {
                "service_request_id": str(r["id"]),
                "status": "open" if r["status"] in OPEN_STATUSES else "closed",
                "status_notes": _status_notes(r),
                "service_name": r["category__name"],
                "service_code": r["category__code"],
                "description": r["moderated_description"] or r["description"],
                "agency_responsible": agency,
                "service_notice": "",
                "requested_datetime": w3c(r["received_at"]),
                "updated_datetime": w3c(r["updated_at"]),
                "expected_datetime": w3c(r["expected_at"]),
                "address": r["address_string"],
                "address_id": "",
                "zipcode": "",
                "lat": float(r["lat"]) if r["lat"] is not None else None,
                "long": float(r["long"]) if r["long"] is not None else None,
                "media_url": f"{photo_url}{photo}/" if photo else "",
            }
        )
    return out


def _public_requests(commune):
    return Report.objects.filter(commune=commune, hidden_by_moderation=False)


# --- Endpoints ----------------------------------------------------------------------


@open311_view()
def discovery(request, fmt):
    base = absolute("/open311/v2/")
    return render(
        fmt,
        "discovery",
        {
            "changeset": CHANGESET,
            "contact": str(_("Quản trị xã của từng xã (jurisdiction_id = mã xã 5 chữ số).")),
            "key_service": absolute("/"),
            "endpoints": [
                {
                    "specification": SPEC_URL,
                    "url": base,
                    "changeset": CHANGESET,
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
    )


@open311_view()
def service_list(request, fmt):
    commune = jurisdiction(request)
    categories = Category.objects.filter(commune=commune, active=True).order_by("name")
    return render(fmt, "services", [_service(c) for c in categories])


@open311_view()
def service_definition(request, fmt, service_code):
    commune = jurisdiction(request)
    category = Category.objects.filter(commune=commune, code=service_code, active=True).first()
    if category is None:
        raise Open311Error(
            404, _("Không tìm thấy service_code %(code)s."), {"code": service_code[:50]}
        )
    return render(fmt, "service_definition", _definition(category))


def _cache_key(commune, fmt: str, request) -> str:
    """The list's cache key: the commune's data version and the normalised query."""
    version = cache.get(version_key(commune.pk)) or 0
    query = "&".join(f"{k}={v}" for k, v in sorted(request.GET.items()))
    digest = hashlib.sha256(query.encode()).hexdigest()[:32]
    return f"feedback:o311:{commune.pk}:{version}:{fmt}:{digest}"


def _report_scope(request) -> str:
    """A retried report is the same client application: its api_key (and commune), not
    its address, which a phone changes when it reconnects."""
    data = request.POST if request.method == "POST" else request.GET
    key = data.get("api_key") or request.GET.get("api_key", "")
    where = data.get("jurisdiction_id") or request.GET.get("jurisdiction_id", "")
    return hashlib.sha256(f"open311:{where.strip()}:{key.strip()}".encode()).hexdigest()


def _refusal(request, status: int, message, code: str, headers=None) -> HttpResponse:
    fmt = "xml" if request.path.endswith(".xml") else "json"
    response = error(fmt, status, message)
    for name, value in (headers or {}).items():
        response[name] = value
    return response


@csrf_exempt
@open311_view(methods=("GET", "POST"))
def requests_endpoint(request, fmt):
    if request.method == "POST":
        # Idempotency-Key as on the API: a report retried after a dropped connection is
        # one report, and the retry gets the first answer (its id and token) again.
        once = idempotent(scope=_report_scope, refuse=_refusal)(
            lambda r: answer(fmt, lambda: _create_request(r, fmt))
        )
        return once(request)
    commune = jurisdiction(request)
    seconds = settings.OPEN311_CACHE_SECONDS
    key = _cache_key(commune, fmt, request) if seconds else None
    body = cache.get(key) if key else None
    if body is None:
        response = _request_list(request, fmt, commune)
        if key and response.status_code == 200:
            cache.set(key, response.content, timeout=seconds)
        return response
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _request_list(request, fmt, commune):
    params = request.GET
    qs = _public_requests(commune)
    ids_raw = params.get("service_request_id", "").strip()
    if ids_raw:
        # The standard: with service_request_id, the other filters are ignored.
        ids = [
            int(x) for x in (p.strip() for p in ids_raw.split(",")) if x.isdigit() and len(x) < 19
        ][:MAX_RESULTS]
        qs = qs.filter(pk__in=ids)
    else:
        codes = [c.strip() for c in params.get("service_code", "").split(",") if c.strip()]
        if codes:
            qs = qs.filter(category__code__in=codes)
        start = parse_when(params.get("start_date", ""), "start_date")
        end = parse_when(params.get("end_date", ""), "end_date", end=True)
        if start is None and end is None:
            end = timezone.now()
            start = end - DEFAULT_WINDOW
        elif start is None:
            start = end - DEFAULT_WINDOW
        elif end is None:
            end = start + DEFAULT_WINDOW
        if start > end:
            raise Open311Error(400, _("start_date phải trước end_date."))
        if end - start > DEFAULT_WINDOW + dt.timedelta(days=1):
            raise Open311Error(400, _("Khoảng thời gian không được quá 90 ngày."))
        qs = qs.filter(received_at__gte=start, received_at__lte=end)
        statuses = [s.strip() for s in params.get("status", "").split(",") if s.strip()]
        if any(s not in ("open", "closed") for s in statuses):
            raise Open311Error(400, _("status chỉ nhận open hoặc closed."))
        if set(statuses) == {"open"}:
            qs = qs.filter(status__in=list(OPEN_STATUSES))
        elif set(statuses) == {"closed"}:
            qs = qs.filter(status__in=list(CLOSED_STATUSES))
    qs = qs.order_by("-received_at", "-id")
    if fmt == "json" and connection.vendor == "postgresql":
        return _json_from_postgresql(qs, commune)
    rows = list(qs.values(*REQUEST_FIELDS)[:MAX_RESULTS])
    return render(fmt, "service_requests", serialise_requests(rows, commune))


# On PostgreSQL the JSON list is built by the database: 1000 rows turned into Python
# objects and back into JSON cost ~100 ms of a worker's CPU, json_agg a few. The fields
# and their values are those of ``serialise_requests`` (tested on both databases).
_PG_LIST = """
SELECT coalesce(json_agg(json_build_object(
    'service_request_id', r.id::text,
    'status', CASE WHEN r.status IN ('new', 'accepted', 'assigned', 'in_progress')
                   THEN 'open' ELSE 'closed' END,
    'status_notes', CASE
        WHEN r.duplicate_of_id IS NOT NULL THEN %s || r.duplicate_of_id::text
        WHEN r.status = 'rejected' THEN r.reject_reason
        WHEN r.status IN ('resolved', 'closed') THEN r.answer
        ELSE '' END,
    'service_name', c.name,
    'service_code', c.code,
    'description', CASE WHEN r.moderated_description <> '' THEN r.moderated_description
                        ELSE r.description END,
    'agency_responsible', %s::text,
    'service_notice', '',
    'requested_datetime', to_char(r.received_at AT TIME ZONE 'Asia/Ho_Chi_Minh', %s),
    'updated_datetime', to_char(r.updated_at AT TIME ZONE 'Asia/Ho_Chi_Minh', %s),
    'expected_datetime', to_char(r.expected_at AT TIME ZONE 'Asia/Ho_Chi_Minh', %s),
    'address', r.address_string,
    'address_id', '',
    'zipcode', '',
    'lat', r.lat::float8,
    'long', r.long::float8,
    'media_url', CASE WHEN p.id IS NULL THEN '' ELSE %s || p.id::text || '/' END
) ORDER BY r.received_at DESC, r.id DESC), '[]')::text
FROM feedback_report r
JOIN feedback_category c ON c.id = r.category_id
LEFT JOIN LATERAL (
    SELECT ph.id FROM feedback_photo ph
    WHERE ph.report_id = r.id AND NOT ph.hidden ORDER BY ph.id LIMIT 1
) p ON true
WHERE r.id IN ({ids})
"""
_PG_TIME = 'YYYY-MM-DD"T"HH24:MI:SS"+07:00"'


def _json_from_postgresql(qs, commune) -> HttpResponse:
    ids_sql, ids_params = qs.values("id")[:MAX_RESULTS].query.sql_with_params()
    photo_url = absolute(reverse("feedback:photo", args=[0]))[: -len("0/")]
    params = [
        "Trùng với phản ánh số ",
        f"UBND {commune.name}",
        _PG_TIME,
        _PG_TIME,
        _PG_TIME,
        photo_url,
        *ids_params,
    ]
    with connection.cursor() as cursor:
        cursor.execute(_PG_LIST.format(ids=ids_sql), params)
        body = cursor.fetchone()[0]
    response = HttpResponse(body.encode(), content_type=CONTENT_TYPES["json"])
    response["Access-Control-Allow-Origin"] = "*"
    return response


@open311_view()
def request_detail(request, fmt, request_id):
    commune = jurisdiction(request)
    rows = []
    if request_id.isdigit() and len(request_id) < 19:
        rows = list(_public_requests(commune).filter(pk=int(request_id)).values(*REQUEST_FIELDS))
    if not rows:
        raise Open311Error(
            404, _("Không tìm thấy service_request_id %(id)s."), {"id": request_id[:30]}
        )
    return render(fmt, "service_requests", serialise_requests(rows, commune))


@open311_view()
def token_detail(request, fmt, token):
    commune = jurisdiction(request)
    report = Report.objects.filter(commune=commune, token=token[:64]).only("pk", "token").first()
    if report is None:
        raise Open311Error(404, _("Không tìm thấy token %(token)s."), {"token": token[:64]})
    return render(
        fmt,
        "service_requests",
        [{"service_request_id": str(report.pk), "token": report.token}],
    )


_ATTRIBUTE = re.compile(r"^attribute\[([^\]]{1,100})\](?:\[\])?$")


def _create_request(request, fmt):
    data = request.POST
    commune = jurisdiction(request)
    key = services.key_for((data.get("api_key") or request.GET.get("api_key", "")).strip(), commune)
    if key is None:
        raise Open311Error(403, _("api_key không hợp lệ hoặc thiếu."))
    code = data.get("service_code", "").strip()
    if not code:
        raise Open311Error(400, _("Thiếu service_code."))
    category = Category.objects.filter(commune=commune, code=code, active=True).first()
    if category is None:
        raise Open311Error(404, _("Không tìm thấy service_code %(code)s."), {"code": code[:50]})
    lat, long, address = data.get("lat", ""), data.get("long", ""), data.get("address_string", "")
    if not (str(lat).strip() and str(long).strip()) and not address.strip():
        raise Open311Error(400, _("Cần lat và long, hoặc address_string."))
    attributes: dict[str, list[str]] = {}
    for name in data:
        match = _ATTRIBUTE.match(name)
        if match:
            attributes.setdefault(match.group(1), []).extend(data.getlist(name))
    clean_attributes = services.validate_attributes(category, attributes)
    name = " ".join(p for p in (data.get("first_name", ""), data.get("last_name", "")) if p.strip())
    description = data.get("description", "").strip() or category.name
    media_url = data.get("media_url", "").strip()[:500]
    if media_url:
        clean_attributes["media_url"] = media_url
    uploads = [f.read() for f in request.FILES.getlist("media")[:5]]
    report = services.submit_report(
        None,
        commune,
        category=category,
        description=description,
        lat=lat,
        long=long,
        address_string=address,
        contact_name=name,
        contact_phone=data.get("phone", "").strip(),
        contact_email=data.get("email", "").strip(),
        photos=uploads,
        attributes=clean_attributes,
        source=f"open311:{key.app_name}",
        ip=client_ip(request),
    )
    notice = _("Hạn giải quyết: %(date)s.") % {
        "date": timezone.localtime(report.expected_at, VN).strftime("%d/%m/%Y %H:%M")
    }
    return render(
        fmt,
        "service_requests",
        [
            {
                "service_request_id": str(report.pk),
                "token": report.token,
                "service_notice": str(notice),
                "account_id": None,
            }
        ],
    )


@require_GET
def not_found(request, rest=""):
    fmt = "xml" if rest.endswith(".xml") else "json"
    return error(fmt, 404, _("Không tìm thấy."))
