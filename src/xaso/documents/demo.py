"""Demo documents for Xã Hà Trung: incoming ones in every stage, outgoing ones from
draft to issued (signed with the demo certificates when the signatures demo ran).

Made through the services, as the clerk, the leaders and the specialist would, on the
working days before the reference moment ``seed_demo`` passes. Safe to run again:
nothing is created twice.
"""

from __future__ import annotations

import datetime as dt

from xaso.accounts.demo import DEMO_COMMUNE_CODE, OTHER_COMMUNE_CODE
from xaso.accounts.models import User
from xaso.documents import services
from xaso.documents.models import Document
from xaso.geo.models import Commune
from xaso.workdays.moments import Moments

DEMO_REF = "demo:"


def _pdf(title: str, lines: list[str]) -> bytes:
    from weasyprint import HTML

    body = "".join(f"<p>{line}</p>" for line in lines)
    return HTML(
        string=f'<html lang="vi"><body style="font-family: DejaVu Serif"><h1>{title}</h1>'
        f"{body}</body></html>"
    ).write_pdf()


INCOMING = [
    (
        "CV",
        "UBND tỉnh Thanh Hóa",
        "1250/UBND-KSTTHC",
        "Về việc đẩy mạnh dịch vụ công trực tuyến toàn trình năm 2026",
        "khan",
        "thuong",
    ),
    (
        "KH",
        "Sở Khoa học và Công nghệ tỉnh Thanh Hóa",
        "45/KH-SKHCN",
        "Kế hoạch đánh giá chuyển đổi số cấp xã năm 2026",
        "thuong",
        "thuong",
    ),
    (
        "TB",
        "Công an tỉnh Thanh Hóa",
        "12/TB-CAT",
        "Thông báo lịch cấp căn cước lưu động tại xã",
        "thuong",
        "thuong",
    ),
    (
        "CV",
        "Ban Chỉ huy Quân sự tỉnh",
        "08/BCH-TM",
        "Về công tác tuyển quân năm 2026",
        "thuong_khan",
        "mat",
    ),
]


def seed(*, now: dt.datetime) -> dict:
    commune = Commune.objects.get(code=DEMO_COMMUNE_CODE)
    if Document.objects.filter(commune=commune, source_ref__startswith=DEMO_REF).exists():
        return {"documents": Document.objects.filter(commune=commune).count()}
    users = {u.username: u for u in User.objects.filter(username__endswith=".hatrung")}
    clerk, chair = users["vanthu.hatrung"], users["chutich.hatrung"]
    vice, specialist = users["phochutich.hatrung"], users["chuyenvien.hatrung"]
    m = Moments(now)
    made = []
    for i, (doc_type, author, symbol, summary, urgency, secret) in enumerate(INCOMING):
        # Arrived on the working days before the reference day, one a day (the last
        # yesterday), each dated a few days before its arrival.
        arrived = m.ago(len(INCOMING) + 1 - i, "08:00")
        doc = services.register_incoming(
            clerk,
            commune,
            pdf=_pdf(summary, [author, symbol]),
            filename=f"{symbol.replace('/', '-')}.pdf",
            doc_type=doc_type,
            author=author,
            symbol=symbol,
            document_date=arrived.date() - dt.timedelta(days=3),
            summary=summary,
            urgency=urgency,
            confidentiality=secret,
            now=arrived,
        )
        Document.objects.filter(pk=doc.pk).update(source_ref=f"{DEMO_REF}in-{i}")
        made.append(doc)
    first, second, third, secret_doc = made
    services.assign(
        chair,
        first,
        assignee=specialist,
        instructions="Giao Văn phòng tham mưu, báo cáo trước hạn.",
        now=m.later(first.received_at, 60),
    )
    services.assign(
        vice,
        second,
        assignee=specialist,
        instructions="Chuẩn bị số liệu tự đánh giá.",
        now=m.later(second.received_at, 60),
    )
    services.record_outcome(
        specialist,
        second,
        outcome="Đã gửi số liệu tự đánh giá qua hệ thống.",
        now=m.later(second.received_at, 240),
    )
    services.assign(
        chair,
        secret_doc,
        assignee=chair,
        instructions="Lãnh đạo trực tiếp xử lý.",
        now=m.later(secret_doc.received_at, 60),
    )
    del third  # stays registered: waiting for a leader to assign it

    common = {
        "signer_prefix": "TM.",
        "signer_title": "Chủ tịch",
        "signer_name": chair.full_name,
        "drafting_unit": "VP",
        "archive_unit": "VP",
    }
    reply = services.create_draft(
        specialist,
        commune,
        doc_type="CV",
        summary="báo cáo kết quả triển khai dịch vụ công trực tuyến toàn trình",
        addressees="Ủy ban nhân dân tỉnh Thanh Hóa",
        body="Thực hiện Công văn số 1250/UBND-KSTTHC của UBND tỉnh, UBND xã Hà Trung "
        "báo cáo như sau:\n100 % thủ tục đủ điều kiện đã được cung cấp trực tuyến toàn trình.",
        recipients_text="Như trên;\nThường trực Đảng ủy xã",
        recipient_communes=[OTHER_COMMUNE_CODE],
        reply_to=first,
        now=m.ago(2, "09:00"),
        **common,
    )
    services.submit(specialist, reply, now=m.ago(2, "10:00"))
    services.review(chair, reply, decision="approve", now=m.ago(2, "14:00"))
    services.number(clerk, reply, now=m.ago(1, "08:00"))
    signed = _sign(chair, clerk, reply, now=m.ago(1, "09:00"))

    plan = services.create_draft(
        specialist,
        commune,
        doc_type="KH",
        summary="Kế hoạch chuyển đổi số xã Hà Trung năm 2026",
        basis="Căn cứ Kế hoạch số 45/KH-SKHCN của Sở Khoa học và Công nghệ;",
        body="I. MỤC ĐÍCH, YÊU CẦU\nNâng tỷ lệ văn bản xử lý trên môi trường mạng trên 80 %.",
        recipients_text="UBND tỉnh (để b/c);\nCác thôn, tổ dân phố",
        now=m.ago(1, "10:00"),
        **common,
    )
    services.submit(specialist, plan, now=m.ago(1, "14:00"))
    notice = services.create_draft(
        specialist,
        commune,
        doc_type="TB",
        summary="Thông báo lịch tiếp công dân tháng này",
        body="Chủ tịch UBND xã tiếp công dân vào thứ Năm hằng tuần tại trụ sở UBND xã.",
        recipients_text="Các thôn, tổ dân phố;\nĐài truyền thanh xã",
        now=m.ago(1, "15:00"),
        **common,
    )
    return {
        "documents": Document.objects.filter(commune=commune).count(),
        "signed": signed,
        "draft": notice.pk,
    }


def _sign(chair, clerk, doc, *, now: dt.datetime) -> bool:
    """Sign with the demo certificates and issue; issue unsigned when there are none."""
    try:
        from xaso.signatures.testca import DEMO_PASSPHRASE
    except ImportError:
        DEMO_PASSPHRASE = None
    signed = False
    if DEMO_PASSPHRASE and services.personal_credentials(chair, doc.commune):
        services.sign(chair, doc, secret=DEMO_PASSPHRASE)
        signed = True
    secret = DEMO_PASSPHRASE if signed and services.organisation_credentials(doc.commune) else ""
    services.issue(clerk, doc, secret=secret, now=now)
    return signed
