import datetime as dt
from typing import Literal

from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status
from ninja.errors import ValidationError as NinjaValidationError

from xaso.core.api import AUTH, Text
from xaso.core.http import client_ip
from xaso.core.problems import Problem
from xaso.workdays import services
from xaso.workdays.calendar import MAX_WORKING_DAYS, VN, Calendar

router = Router(tags=["Lịch ngày làm việc"])


class DueDateOut(Schema):
    received_at: dt.datetime
    effective_received_at: dt.datetime
    due_at: dt.datetime
    working_days: int
    channel: str


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN)
    if not (2000 <= value.year <= 2100):
        raise Problem(
            422, _("%(name)s phải nằm trong khoảng năm 2000–2100."), params={"name": name}
        )
    return value


@router.get("/due-date", response=DueDateOut, summary="Tính ngày hẹn trả theo ngày làm việc")
def due_date(
    request,
    received_at: dt.datetime,
    working_days: int,
    channel: Literal["counter", "online"] = "counter",
):
    """Hạn xử lý: ngày nhận không tính; sau 15:00 (nộp tại quầy) hoặc ngoài giờ làm
    việc (nộp trực tuyến) tính từ đầu ngày làm việc tiếp theo; hạn là cuối giờ làm việc
    của ngày làm việc thứ N. Múi giờ Asia/Ho_Chi_Minh; thời điểm không có múi giờ
    được hiểu theo giờ Việt Nam."""
    if not 0 <= working_days <= MAX_WORKING_DAYS:
        raise Problem(
            422,
            _("Số ngày làm việc phải từ 0 đến %(max)s."),
            params={"max": MAX_WORKING_DAYS},
            code="validation-error",
        )
    received = _aware(received_at, "received_at")
    effective, due = Calendar.current().due_at(received, working_days, channel)
    return {
        "received_at": received.astimezone(VN),
        "effective_received_at": effective,
        "due_at": due,
        "working_days": working_days,
        "channel": channel,
    }


class WorkingDaysOut(Schema):
    start: dt.date
    end: dt.date
    working_days: int


@router.get("/working-days", response=WorkingDaysOut, summary="Đếm ngày làm việc giữa hai ngày")
def working_days(request, start: dt.date, end: dt.date):
    """Số ngày làm việc d với start < d ≤ end (âm nếu end trước start)."""
    if abs((end - start).days) > 3660 or not (
        2000 <= start.year <= 2100 and 2000 <= end.year <= 2100
    ):
        raise Problem(422, _("Khoảng thời gian không được quá 10 năm, trong các năm 2000–2100."))
    return {
        "start": start,
        "end": end,
        "working_days": Calendar.current().working_days_between(start, end),
    }


class DayOffOut(Schema):
    date: dt.date
    name: str
    source: Literal["law", "override"]


@router.get("/holidays", response=list[DayOffOut], summary="Ngày nghỉ lễ, nghỉ bù trong năm")
def holidays(request, year: int):
    if not 2000 <= year <= 2100:
        raise Problem(422, _("Năm phải trong khoảng 2000–2100."))
    return Calendar.current().days_off(year)


class OverrideIn(Schema):
    date: dt.date
    kind: Literal["day_off", "working_day"]
    name: Text


class OverrideOut(Schema):
    date: dt.date
    kind: str
    name: str


@router.put(
    "/overrides/{day}", response=OverrideOut, auth=AUTH, summary="Khai báo ngày nghỉ/làm bù"
)
def put_override(request, day: dt.date, payload: OverrideIn):
    if payload.date != day:
        raise NinjaValidationError([{"loc": ["body", "date"], "msg": "date must equal the path"}])
    if not payload.name.strip():
        raise NinjaValidationError([{"loc": ["body", "name"], "msg": "name is required"}])
    o = services.set_override(request.user, day, payload.kind, payload.name, ip=client_ip(request))
    return {"date": o.date, "kind": o.kind, "name": o.name}


@router.delete("/overrides/{day}", response={204: None}, auth=AUTH, summary="Bỏ một khai báo")
def delete_override(request, day: dt.date):
    if not services.remove_override(request.user, day, ip=client_ip(request)):
        raise Problem(404, _("Không có khai báo cho ngày này."))
    return Status(204, None)
