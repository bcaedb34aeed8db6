"""Demo data: categories, answer templates and a dozen reports in every state for
Xã Hà Trung, placed in working days before the reference moment ``seed_demo`` passes
(so the same reports are open, answered and overdue whatever the day). Safe to run
again: reports are only created once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from xaso.accounts.demo import DEMO_COMMUNE_CODE
from xaso.accounts.models import User
from xaso.feedback import services
from xaso.feedback.models import AnswerTemplate, Category, Report
from xaso.geo.models import Commune
from xaso.workdays.moments import Moments

CATEGORIES = [
    ("ve-sinh-moi-truong", "Vệ sinh môi trường", "Rác thải, nước thải, ô nhiễm", 5, []),
    (
        "duong-giao-thong",
        "Đường giao thông",
        "Ổ gà, sụt lún, biển báo, cây đổ chắn đường",
        10,
        [
            {
                "code": "muc-do",
                "datatype": "singlevaluelist",
                "required": False,
                "description": "Mức độ nguy hiểm",
                "values": [{"key": "thap", "name": "Thấp"}, {"key": "cao", "name": "Cao"}],
            }
        ],
    ),
    ("dien-chieu-sang", "Điện chiếu sáng", "Đèn đường hỏng, dây điện võng", 5, []),
    ("an-ninh-trat-tu", "An ninh trật tự", "Gây rối, tụ tập, tiếng ồn ban đêm", 3, []),
    ("khac", "Khác", "Những vấn đề khác của xã", 10, []),
]

TEMPLATES = [
    (
        "Đã khắc phục",
        "UBND xã đã kiểm tra hiện trường và giao bộ phận chuyên môn khắc phục xong. "
        "Cảm ơn bạn đã phản ánh.",
    ),
    (
        "Chuyển cơ quan có thẩm quyền",
        "Nội dung phản ánh thuộc thẩm quyền của cơ quan cấp trên; UBND xã đã chuyển "
        "và sẽ thông báo kết quả.",
    ),
]

# (category, description, address, offset lat/long, working days ago, phone, steps)
REPORTS = [
    (
        "ve-sinh-moi-truong",
        "Rác thải đổ trộm cạnh cầu Đò Lèn, bốc mùi.",
        "Cầu Đò Lèn",
        (2, 3),
        1,
        "0912000001",
        [],
    ),
    (
        "duong-giao-thong",
        "Ổ gà lớn giữa đường liên thôn, xe máy dễ ngã.",
        "Thôn Chí Phúc",
        (-4, 1),
        2,
        "0912000002",
        ["accept"],
    ),
    (
        "dien-chieu-sang",
        "Ba bóng đèn đường không sáng từ tuần trước.",
        "Tổ dân phố 3",
        (1, -5),
        4,
        "",
        ["accept", "assign"],
    ),
    (
        "duong-giao-thong",
        "Cây đổ chắn một nửa mặt đường sau mưa.",
        "Thôn Đông Sơn",
        (6, 2),
        6,
        "0912000003",
        ["accept", "assign", "start"],
    ),
    (
        "ve-sinh-moi-truong",
        "Cống thoát nước tắc, nước tràn vào nhà dân.",
        "Thôn Yên Lược",
        (-2, -3),
        9,
        "0912000004",
        ["accept", "assign", "start", "resolve"],
    ),
    (
        "an-ninh-trat-tu",
        "Nhóm thanh niên tụ tập gây ồn sau 23 giờ.",
        "Khu chợ Hà Trung",
        (3, 4),
        12,
        "",
        ["accept", "resolve", "close"],
    ),
    (
        "khac",
        "Đề nghị lắp thêm ghế đá ở nhà văn hóa thôn.",
        "Nhà văn hóa thôn Chí Phúc",
        (5, -1),
        15,
        "0912000001",
        ["reject"],
    ),
    (
        "dien-chieu-sang",
        "Dây điện võng thấp qua đường.",
        "Thôn Đông Sơn",
        (-5, -4),
        20,
        "",
        ["accept", "assign", "start", "resolve"],
    ),
    (
        "duong-giao-thong",
        "Ổ gà đường liên thôn Chí Phúc (đã có người báo).",
        "Thôn Chí Phúc",
        (-4, 2),
        2,
        "",
        ["duplicate"],
    ),
    (
        "ve-sinh-moi-truong",
        "Khói đốt rơm rạ ảnh hưởng khu dân cư.",
        "Thôn Yên Lược",
        (0, 6),
        30,
        "",
        ["accept", "assign"],
    ),
]
CENTRE = (Decimal("20.018000"), Decimal("105.835000"))


def seed(*, now: dt.datetime) -> dict:
    commune = Commune.objects.get(code=DEMO_COMMUNE_CODE)
    admin = User.objects.get(username="quantri.hatrung")
    leader = User.objects.get(username="chutich.hatrung")
    officer = User.objects.get(username="motcua.hatrung")
    specialist = User.objects.get(username="chuyenvien.hatrung")
    categories = {}
    for code, name, description, days, attributes in CATEGORIES:
        existing = Category.objects.filter(commune=commune, code=code).first()
        categories[code] = existing or services.save_category(
            admin,
            commune,
            code=code,
            name=name,
            description=description,
            resolution_working_days=days,
            attributes=attributes,
        )
    if not AnswerTemplate.objects.filter(commune=commune).exists():
        for title, body in TEMPLATES:
            services.save_answer_template(admin, commune, title=title, body=body)
    if Report.objects.filter(commune=commune).exists():
        return {"reports": Report.objects.filter(commune=commune).count()}
    m = Moments(now)
    first_pothole = None
    for code, text, address, (dlat, dlong), days_ago, phone, steps in REPORTS:
        received = m.ago(days_ago, "08:00")
        citizen = User.objects.filter(phone=phone).first() if phone else None
        report = services.submit_report(
            citizen,
            commune,
            category=categories[code],
            description=text,
            lat=CENTRE[0] + Decimal(dlat) / 1000,
            long=CENTRE[1] + Decimal(dlong) / 1000,
            address_string=address,
            contact_name="" if citizen else "Người dân",
            now=received,
        )
        if code == "duong-giao-thong" and first_pothole is None:
            first_pothole = report
        for k, step in enumerate(steps):
            # One step a working day after the report, at 10:00, the last ones on the
            # last working day; never after the reference moment.
            day = m.ago(max(days_ago - k - 1, 1), "10:00")
            at = m.later(max(day, received), 5 * (k + 1))
            if step == "accept":
                services.accept(officer, report, now=at)
            elif step == "assign":
                services.assign(officer, report, assignee=specialist, now=at)
            elif step == "start":
                services.start(specialist, report, now=at)
            elif step == "resolve":
                services.resolve(leader, report, answer=TEMPLATES[0][1], now=at)
            elif step == "close":
                services.close(officer, report, now=at)
            elif step == "reject":
                services.reject(
                    officer,
                    report,
                    reason="Nội dung là kiến nghị đầu tư, đã chuyển vào kế hoạch năm sau.",
                    now=at,
                )
            elif step == "duplicate":
                services.mark_duplicate(officer, report, original=first_pothole, now=at)
    return {"reports": len(REPORTS)}
