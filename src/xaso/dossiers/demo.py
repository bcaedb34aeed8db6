"""Demo dossiers in every state for Xã Hà Trung (and a few for Xã Hà Long), made
through the real services so that timelines, codes and deadlines are genuine.

Built around the reference moment ``seed_demo`` passes (``now``), in working days, so
that every state — and an overdue dossier, a late one and an apology — exists
whatever the day. Idempotent: a commune that already has dossiers is left alone.
"""

from __future__ import annotations

import datetime as dt

from xaso.accounts.demo import CITIZENS, DEMO_COMMUNE_CODE, OTHER_COMMUNE_CODE
from xaso.accounts.models import User
from xaso.dossiers import services
from xaso.dossiers.models import Channel, Dossier, ReturnMethod
from xaso.geo.models import Commune
from xaso.workdays.calendar import VN
from xaso.workdays.moments import Moments

SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def sample_form(schema: dict, user=None, *, today: dt.date | None = None) -> dict:
    """Valid answers for a procedure's form: prefilled where the platform knows the
    citizen, plausible values elsewhere; dates a month before or after ``today``
    (default the commune's today)."""
    from django.utils import timezone

    from xaso.procedures import formschema

    known = formschema.prefill(schema, user) if user is not None else {}
    out = {}
    for field in (schema or {}).get("fields") or []:
        key, kind = field["key"], field["type"]
        if key in known and known[key] not in (None, ""):
            value = known[key]
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
            continue
        if kind == "checkbox":
            out[key] = True
        elif kind == "date":
            today = today or timezone.localdate()
            offset = dt.timedelta(days=30 if field.get("when") == "future" else -30)
            out[key] = (today + offset).isoformat()
        elif kind == "integer":
            low = field.get("min")
            out[key] = low if isinstance(low, int) and low > 0 else 1
        elif kind == "choice":
            out[key] = field["options"][0]["value"]
        elif kind == "cccd":
            out[key] = "038085001234"
        elif kind == "phone":
            out[key] = "0912000001"
        elif kind == "email":
            out[key] = "an.nguyen@example.vn"
        else:
            limit = field.get("max_length") or 100
            out[key] = "Dữ liệu minh họa"[:limit]
    return out


class _File:
    """An in-memory upload (what the services receive from a request)."""

    def __init__(self, name: str, data: bytes):
        import io

        self.name, self.size, self._io = name, len(data), io.BytesIO(data)

    def seek(self, pos):
        self._io.seek(pos)

    def read(self, n=-1):
        return self._io.read(n)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def _applicant(user) -> dict:
    profile = getattr(user, "citizen_profile", None)
    return {
        "full_name": profile.full_name if profile else user.full_name,
        "id_number": (profile.identity_number if profile else "") or "",
        "phone": user.phone,
        "address": profile.address if profile else "",
        "email": "",
    }


def _steps_to_end(dossier, leader, at, m: Moments):
    """Walk a dossier in state 4 through its steps up to done (state 9), one step every
    half hour from ``at``."""
    for i in range(10):
        dossier.refresh_from_db()
        when = m.later(at, 30 * (i + 1))
        if services.may_complete(dossier):
            return services.complete(leader, dossier, note="Đã cấp giấy", now=when)
        dossier = services.forward(leader, dossier, now=when)
    return dossier


def seed(*, now: dt.datetime) -> dict:
    """Every state exists whatever ``now`` is: each dossier is placed a number of
    working days before it (``Moments``), and nothing happens after it."""
    from xaso.procedures.models import Procedure

    m = Moments(now)
    made = {}
    for code, plan in ((DEMO_COMMUNE_CODE, "full"), (OTHER_COMMUNE_CODE, "few")):
        commune = Commune.objects.get(code=code)
        if not Procedure.objects.filter(commune=commune, active=True).exists():
            from xaso.procedures.services import install_catalog

            install_catalog(commune)
        if Dossier.objects.filter(commune=commune).exists():
            continue
        procedures = list(Procedure.objects.filter(commune=commune, active=True).order_by("order"))
        if not procedures:
            continue
        made[code] = _seed_commune(commune, procedures, plan, m)
    return {"dossiers": made}


def _seed_commune(commune, procedures, plan: str, m: Moments) -> int:
    from xaso.accounts.models import Membership
    from xaso.core.roles import Role

    def holder(role):
        membership = (
            Membership.objects.filter(commune=commune, role=role, active=True)
            .select_related("user")
            .first()
        )
        return membership.user if membership else None

    officer = holder(Role.ONE_STOP_OFFICER)
    leader = holder(Role.LEADER) or officer
    admin = User.objects.filter(is_superuser=True).first()
    leader = leader or admin
    citizens = [User.objects.filter(phone=c[0]).first() for c in CITIZENS]
    citizens = [c for c in citizens if c is not None]
    main = citizens[0]
    count = 0

    def submit(i, channel=Channel.COUNTER, who=None, *, at, procedure=None):
        nonlocal count
        procedure = procedure or procedures[i % len(procedures)]
        who = who or citizens[i % len(citizens)]
        actor = who if channel == Channel.ONLINE else officer
        count += 1
        return services.submit_dossier(
            actor,
            commune,
            procedure_code=procedure.code,
            channel=channel,
            applicant=_applicant(who),
            form=sample_form(procedure.form_schema, who, today=at.astimezone(VN).date()),
            files=[_File("giay-to.pdf", SAMPLE_PDF)],
            now=at,
        )

    def start(d, at):
        return services.start(officer, d, now=m.later(at, 15))

    if plan == "few" or officer is None:
        if officer is None:
            return 0
        submit(0, Channel.COUNTER, at=m.ago(1, "09:00"))
        t = m.ago(1, "10:00")
        start(submit(1, Channel.COUNTER, at=t), t)
        return count

    # A procedure with a deadline of at least two working days, for the apology and
    # the late ones (a same-day procedure leaves no working day for an apology).
    longer = next((p for p in procedures if p.deadline_days >= 2), procedures[-1])
    # 1 Mới đăng ký: online just now, waiting for the officer (the demo citizen's own).
    submit(0, Channel.ONLINE, who=main, at=m.now)
    # 2 Được tiếp nhận: at the counter on the last working day.
    submit(1, Channel.COUNTER, at=m.ago(1, "09:00"))
    # 3 Không được tiếp nhận
    t = m.ago(1, "08:00")
    services.refuse(
        officer,
        submit(2, Channel.ONLINE, at=t),
        reason="Sai thẩm quyền: hồ sơ thuộc xã khác.",
        now=m.later(t, 60),
    )
    # 4 Đang xử lý (the citizen's own, at the specialist's step)
    t = m.ago(2, "08:30")
    d = submit(3, Channel.ONLINE, who=main, at=t)
    services.receive(officer, d, now=m.later(t, 10))
    start(d, t)
    # 5 Yêu cầu bổ sung
    t = m.ago(2, "09:30")
    d = start(submit(4, Channel.COUNTER, at=t), t)
    services.request_supplement(
        leader, d, reason="Thiếu bản sao giấy khai sinh của người con.", now=m.later(t, 60)
    )
    # 6 Nghĩa vụ tài chính — and past its due date (an overdue dossier in the figures).
    t = m.ago(longer.deadline_days + 2, "10:00")
    d = start(submit(5, Channel.COUNTER, at=t, procedure=longer), t)
    services.request_payment(
        leader, d, note="Nộp lệ phí 8.000 đồng trước khi nhận kết quả.", now=m.later(t, 90)
    )
    # 7 Rút hồ sơ (by the demo citizen)
    t = m.ago(4, "08:00")
    d = submit(6, Channel.ONLINE, who=main, at=t)
    services.withdraw(main, d, reason="Nộp nhầm thủ tục.", now=m.later(t, 120))
    # 8 Dừng xử lý
    t = m.ago(3, "14:00")
    d = start(submit(7, Channel.COUNTER, at=t), t)
    services.stop(leader, d, reason="Chờ kết quả xác minh của cơ quan công an.", now=m.later(t, 60))
    # 9 Đã xử lý xong
    t = m.ago(5, "08:30")
    d = start(submit(8, Channel.COUNTER, at=t), t)
    _steps_to_end(d, leader, m.later(t, 15), m)
    # 10 Đã trả kết quả, twice: one on time and rated; one late (done after its due
    # date), for the demo citizen to rate.
    for i, who, t, done_at in (
        (9, citizens[1 % len(citizens)], m.ago(6, "08:00"), None),
        (10, main, m.ago(longer.deadline_days + 3, "08:00"), m.ago(1, "09:00")),
    ):
        d = submit(i, Channel.ONLINE, who=who, at=t, procedure=longer if done_at else None)
        services.receive(officer, d, now=m.later(t, 10))
        start(d, t)
        d = _steps_to_end(d, leader, done_at or m.later(t, 15), m)
        returned = m.later(d.completed_at, 60)
        services.return_result(officer, d, method=ReturnMethod.PICKUP, now=returned)
        if who != main:
            services.rate(
                who,
                d,
                scores={
                    k: 2
                    for k in (
                        "contacts",
                        "agencies",
                        "one_stop",
                        "publication",
                        "attitude",
                        "complaints",
                    )
                },
                comment="Cán bộ hướng dẫn tận tình.",
                now=m.later(returned, 30),
            )
    # An apology with a new date, sent now: received on the last working day with a
    # deadline of two working days or more, so at least one working day is left.
    t = m.ago(1, "09:30")
    d = start(submit(11, Channel.COUNTER, at=t, procedure=longer), t)
    calendar = m.calendar
    new_due = d.due_at.astimezone(VN).date() + dt.timedelta(days=10)
    while not calendar.is_working_day(new_due):
        new_due += dt.timedelta(days=1)
    services.apologize(leader, d, reason="Cần xác minh thêm tại thôn.", new_due=new_due, now=m.now)
    return count
