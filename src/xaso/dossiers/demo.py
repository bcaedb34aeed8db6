"""Demo dossiers in every state for Xã Hà Trung (and a few for Xã Hà Long), made
through the real services so that timelines, codes and deadlines are genuine.

Idempotent: a commune that already has dossiers is left alone.
"""

from __future__ import annotations

import contextlib
import datetime as dt

from django.utils import timezone

from xaso.accounts.demo import CITIZENS, DEMO_COMMUNE_CODE, OTHER_COMMUNE_CODE
from xaso.accounts.models import User
from xaso.core.problems import Problem
from xaso.dossiers import services
from xaso.dossiers.models import Channel, Dossier, ReturnMethod
from xaso.geo.models import Commune
from xaso.workdays.calendar import VN, Calendar

SAMPLE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Count 0/Kids[]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def sample_form(schema: dict, user=None) -> dict:
    """Valid answers for a procedure's form: prefilled where the platform knows the
    citizen, plausible values elsewhere."""
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
            out[key] = "2027-06-01" if field.get("when") == "future" else "2025-09-02"
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


def _steps_to_end(dossier, officer, specialist, leader):
    """Walk a dossier in state 4 through its steps up to done (state 9)."""
    for _i in range(10):
        dossier.refresh_from_db()
        if services.may_complete(dossier):
            return services.complete(leader, dossier, note="Đã cấp giấy")
        dossier = services.forward(leader, dossier)
    return dossier


def seed(stdout=None) -> dict:
    from xaso.procedures.models import Procedure

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
        made[code] = _seed_commune(commune, procedures, plan)
    return {"dossiers": made}


def _seed_commune(commune, procedures, plan: str) -> int:
    from xaso.accounts.models import Membership
    from xaso.core.roles import Role

    def holder(role):
        m = (
            Membership.objects.filter(commune=commune, role=role, active=True)
            .select_related("user")
            .first()
        )
        return m.user if m else None

    officer = holder(Role.ONE_STOP_OFFICER)
    specialist = holder(Role.SPECIALIST) or officer
    leader = holder(Role.LEADER) or officer
    admin = User.objects.filter(is_superuser=True).first()
    leader = leader or admin
    citizens = [User.objects.filter(phone=c[0]).first() for c in CITIZENS]
    citizens = [c for c in citizens if c is not None]
    main = citizens[0]
    now = timezone.now()
    count = 0

    def submit(i, channel=Channel.COUNTER, who=None, days_ago=3):
        nonlocal count
        procedure = procedures[i % len(procedures)]
        who = who or citizens[i % len(citizens)]
        actor = who if channel == Channel.ONLINE else officer
        count += 1
        return services.submit_dossier(
            actor,
            commune,
            procedure_code=procedure.code,
            channel=channel,
            applicant=_applicant(who),
            form=sample_form(procedure.form_schema, who),
            files=[_File("giay-to.pdf", SAMPLE_PDF)],
            now=now - dt.timedelta(days=days_ago),
        )

    if plan == "few" or officer is None:
        if officer is None:
            return 0
        submit(0, Channel.COUNTER)
        services.start(officer, submit(1, Channel.COUNTER))
        return count

    # 1 Mới đăng ký: online, waiting for the officer (the demo citizen's own).
    submit(0, Channel.ONLINE, who=main, days_ago=0)
    # 2 Được tiếp nhận
    submit(1, Channel.COUNTER)
    # 3 Không được tiếp nhận
    services.refuse(
        officer,
        submit(2, Channel.ONLINE, days_ago=1),
        reason="Sai thẩm quyền: hồ sơ thuộc xã khác.",
    )
    # 4 Đang xử lý (the citizen's own, assigned to the specialist)
    d = submit(3, Channel.ONLINE, who=main, days_ago=2)
    services.receive(officer, d)
    services.start(officer, d)
    # 5 Yêu cầu bổ sung
    d = services.start(officer, submit(4, Channel.COUNTER))
    services.request_supplement(leader, d, reason="Thiếu bản sao giấy khai sinh của người con.")
    # 6 Nghĩa vụ tài chính
    d = services.start(officer, submit(5, Channel.COUNTER))
    services.request_payment(leader, d, note="Nộp lệ phí 8.000 đồng trước khi nhận kết quả.")
    # 7 Rút hồ sơ (by the demo citizen)
    d = submit(6, Channel.ONLINE, who=main, days_ago=4)
    services.withdraw(main, d, reason="Nộp nhầm thủ tục.")
    # 8 Dừng xử lý
    d = services.start(officer, submit(7, Channel.COUNTER))
    services.stop(leader, d, reason="Chờ kết quả xác minh của cơ quan công an.")
    # 9 Đã xử lý xong
    d = services.start(officer, submit(8, Channel.COUNTER, days_ago=5))
    _steps_to_end(d, officer, specialist, leader)
    # 10 Đã trả kết quả, twice: one rated, one for the demo citizen to rate.
    for i, who in ((9, citizens[1 % len(citizens)]), (10, main)):
        d = submit(i, Channel.ONLINE, who=who, days_ago=6)
        services.receive(officer, d)
        services.start(officer, d)
        d = _steps_to_end(d, officer, specialist, leader)
        services.return_result(officer, d, method=ReturnMethod.PICKUP)
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
            )
    # An apology with a new date.
    d = services.start(officer, submit(11, Channel.COUNTER, days_ago=0))
    calendar = Calendar.current()
    new_due = d.due_at.astimezone(VN).date() + dt.timedelta(days=10)
    while not calendar.is_working_day(new_due):
        new_due += dt.timedelta(days=1)
    # A procedure due the same day leaves no working day for an apology: then none.
    with contextlib.suppress(Problem):
        services.apologize(leader, d, reason="Cần xác minh thêm tại thôn.", new_due=new_due)
    return count
