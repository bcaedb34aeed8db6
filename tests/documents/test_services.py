"""The workflow of incoming and outgoing documents through the services: legal and
illegal transitions, permissions, confidentiality, issuing to another commune and
by e-mail, e-mail import, reminders and the figures."""

import datetime as dt
import email.message

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.conftest import user
from tests.documents.conftest import make_pdf
from xaso.core.problems import Problem
from xaso.documents import selectors, services
from xaso.documents.models import Direction, Document, Status

pytestmark = pytest.mark.dates

VN = dt.timezone(dt.timedelta(hours=7))


# --- Incoming -----------------------------------------------------------------------


def test_the_clerk_registers_an_incoming_pdf_with_its_arrival_number(incoming, commune_a):
    doc = incoming()
    assert (doc.direction, doc.status, doc.arrival_number, doc.pages) == ("in", "registered", 1, 1)
    assert doc.current_file().content[:5] == b"%PDF-"
    assert incoming().arrival_number == 2


@pytest.mark.parametrize("data", [b"", b"hello", b"%PDF-1.7 broken"])
def test_what_is_not_a_pdf_is_refused_and_nothing_is_numbered(incoming, commune_a, data):
    from xaso.documents.models import Counter

    with pytest.raises(ValidationError):
        incoming(pdf=data)
    assert not Document.objects.exists() and not Counter.objects.exists()


def test_only_the_clerk_registers(commune_a, pdf):
    with pytest.raises(PermissionDenied):
        services.register_incoming(
            user("chuyenvien.hatrung"),
            commune_a,
            pdf=pdf,
            filename="a.pdf",
            doc_type="CV",
            author="X",
            symbol="",
            document_date=None,
            summary="Y",
        )


def test_a_leader_assigns_with_a_default_deadline_from_the_calendar(incoming, leader, specialist):
    from xaso.workdays.calendar import Calendar

    doc = incoming(urgency="khan", now=dt.datetime(2026, 3, 2, 9, tzinfo=VN))
    now = dt.datetime(2026, 3, 2, 10, tzinfo=VN)  # Monday
    doc = services.assign(leader, doc, assignee=specialist, instructions="Đề nghị xử lý", now=now)
    expected = Calendar.current().due_at(now, 3, channel="online")[1]
    assert doc.status == Status.ASSIGNED and doc.deadline == expected
    assert doc.deadline.date() == dt.date(2026, 3, 5)


def test_assignment_rules(incoming, leader, clerk, specialist):
    doc = incoming()
    with pytest.raises(PermissionDenied):
        services.assign(clerk, doc, assignee=specialist)
    with pytest.raises(ValidationError):
        services.assign(leader, doc)  # nobody
    with pytest.raises(ValidationError):
        services.assign(leader, doc, assignee=user("motcua.xakhac"))  # not an official here
    with pytest.raises(ValidationError):
        services.assign(leader, doc, assignee=specialist, deadline=dt.date(2000, 1, 1))


def test_the_handler_records_the_outcome_and_others_may_not(incoming, leader, specialist, clerk):
    doc = incoming()
    with pytest.raises(Problem) as exc:
        services.record_outcome(leader, doc, outcome="Xong")  # not assigned yet
    assert exc.value.status == 409
    doc = services.assign(leader, doc, assignee=specialist)
    with pytest.raises(PermissionDenied):
        services.record_outcome(clerk, doc, outcome="Xong")  # not the assignee
    with pytest.raises(ValidationError):
        services.record_outcome(specialist, doc, outcome="")
    doc = services.record_outcome(specialist, doc, outcome="Đã tham mưu văn bản trả lời.")
    assert doc.status == Status.HANDLED and doc.handled_at is not None
    with pytest.raises(Problem):
        services.record_outcome(specialist, doc, outcome="Lần nữa")


# --- Outgoing -----------------------------------------------------------------------


def test_the_outgoing_workflow_and_its_illegal_steps(draft, specialist, leader, clerk):
    doc = draft()
    assert doc.status == Status.DRAFT and doc.files.count() == 1
    for step in (
        lambda: services.review(leader, doc, decision="approve"),
        lambda: services.number(clerk, doc),
        lambda: services.issue(clerk, doc),
    ):
        with pytest.raises(Problem) as exc:
            step()
        assert exc.value.status == 409
    doc = services.submit(specialist, doc)
    with pytest.raises(PermissionDenied):
        services.review(specialist, doc, decision="approve")
    with pytest.raises(ValidationError):
        services.review(leader, doc, decision="return", comment="")
    doc = services.review(leader, doc, decision="return", comment="Sửa lại đoạn 2.")
    assert doc.status == Status.RETURNED
    doc = services.revise_draft(specialist, doc, body="Nội dung đã sửa theo ý kiến lãnh đạo.")
    assert doc.status == Status.DRAFT and doc.files.count() == 2
    services.submit(specialist, doc)
    doc = services.review(leader, doc, decision="approve")
    with pytest.raises(PermissionDenied):
        services.number(leader, doc)
    doc = services.number(clerk, doc)
    assert doc.status == Status.NUMBERED and doc.symbol == "01/UBND-VP"
    with pytest.raises(Problem):
        services.revise_draft(specialist, doc, body="Sửa sau khi cấp số")
    doc = services.issue(clerk, doc)
    assert doc.status == Status.ISSUED and doc.signatures == 0
    kinds = list(doc.events.exclude(to_state="").values_list("to_state", flat=True))
    assert kinds == [
        "draft",
        "submitted",
        "returned",
        "draft",
        "submitted",
        "approved",
        "numbered",
        "issued",
    ]
    from xaso.audit.models import AuditEvent

    actions = set(AuditEvent.objects.filter(object_id=str(doc.pk)).values_list("action", flat=True))
    assert {
        "documents.draft",
        "documents.submit",
        "documents.return",
        "documents.approve",
        "documents.number",
        "documents.issue",
    } <= actions


def test_an_uploaded_draft_keeps_its_pdf_and_is_numbered_in_the_register(
    commune_a, specialist, leader, clerk
):
    doc = services.create_draft(
        specialist,
        commune_a,
        pdf=make_pdf("Tờ trình"),
        filename="to-trinh.pdf",
        doc_type="TTr",
        summary="Về việc xin kinh phí",
        signer_name="Lê Văn Hùng",
    )
    services.submit(specialist, doc)
    services.review(leader, doc, decision="approve")
    doc = services.number(clerk, doc, now=dt.datetime(2026, 2, 5, 9, tzinfo=VN))
    assert doc.symbol == "01/TTr-UBND"
    # The number and date are stamped on the first page, as a new version.
    from tests.documents.test_render import pdf_text

    assert [f.kind for f in doc.files.all()] == ["draft", "numbered"]
    text = pdf_text(bytes(doc.current_file().content))
    assert "Số: 01/TTr-UBND · Hà Trung, ngày 05 tháng 02 năm 2026" in text
    assert "Tờ trình" in text


@pytest.fixture
def credentials(commune_a):
    from xaso.signatures.demo import seed

    seed(now=timezone.now())
    from xaso.signatures.testca import DEMO_PASSPHRASE

    return DEMO_PASSPHRASE


def test_the_leader_signs_and_the_clerk_adds_the_organisation_signature(
    approved, clerk, leader, credentials
):
    from xaso.signatures.services import verify_pdf

    doc = services.number(clerk, approved())
    with pytest.raises(Problem):
        services.sign(leader, doc, secret="sai-mat-khau")
    assert Document.objects.get(pk=doc.pk).status == Status.NUMBERED
    with pytest.raises(PermissionDenied):
        services.sign(clerk, doc, secret=credentials)
    doc = services.sign(leader, doc, secret=credentials)
    assert doc.status == Status.SIGNED and doc.signatures == 1
    doc = services.issue(clerk, doc, secret=credentials)
    assert doc.signatures == 2
    reports = verify_pdf(bytes(doc.current_file().content))
    assert [r.verdict for r in reports] == ["valid", "valid"]
    assert all(r.intact and r.trusted for r in reports)
    # Only a signature was added after the leader signed: nothing else changed.
    assert not reports[1].modified_after_signing
    assert reports[0].signer == "Lê Văn Hùng"


def test_a_leader_without_a_certificate_is_told_so(approved, clerk, leader):
    doc = services.number(clerk, approved())
    with pytest.raises(Problem) as exc:
        services.sign(leader, doc, secret="x")
    assert exc.value.status == 422


def test_issuing_to_another_commune_puts_it_in_their_incoming_register(
    approved, clerk, commune_b, django_capture_on_commit_callbacks
):
    doc = services.number(
        clerk,
        approved(
            recipient_communes=[commune_b.code], recipient_emails=["vanthu@halong.example.vn"]
        ),
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        doc = services.issue(clerk, doc)
    arrived = Document.objects.get(commune=commune_b, direction=Direction.INCOMING)
    assert arrived.source == "platform" and arrived.source_document == doc
    assert (arrived.symbol, arrived.arrival_number, arrived.status) == (
        "01/UBND-VP",
        1,
        "registered",
    )
    assert arrived.author == "UBND Xã Hà Trung"
    assert bytes(arrived.current_file().content) == bytes(doc.current_file().content)
    [message] = mail.outbox
    assert message.to == ["vanthu@halong.example.vn"] and "01/UBND-VP" in message.subject
    assert message.attachments[0][2] == "application/pdf"


def test_drafts_refuse_bad_recipients(draft, commune_a):
    for bad in (
        {"recipient_communes": [commune_a.code]},
        {"recipient_communes": [99999]},
        {"recipient_emails": ["not-an-address"]},
        {"signer_prefix": "T/M"},
        {"drafting_unit": "v p"},
    ):
        with pytest.raises(ValidationError):
            draft(**bad)


def test_a_draft_in_reply_links_the_incoming_document(incoming, leader, specialist, draft, clerk):
    source = services.assign(leader, incoming(), assignee=specialist)
    reply = draft(reply_to=source)
    source.refresh_from_db()
    assert source.reply == reply
    done = services.record_outcome(specialist, source, outcome="", reply=reply)
    assert done.status == Status.HANDLED and reply.summary in done.outcome


# --- Confidentiality ---------------------------------------------------------------


def test_confidential_documents_are_seen_by_leaders_the_clerk_and_the_assignee(
    incoming, leader, specialist, commune_a
):
    secret = incoming(confidentiality="mat")
    admin = user("quantri.hatrung")
    assert not services.may_see(admin, secret) and not services.may_see(specialist, secret)
    assert services.may_see(leader, secret) and services.may_see(user("vanthu.hatrung"), secret)
    assert secret not in selectors.visible(admin, commune_a)
    secret = services.assign(leader, secret, assignee=specialist)
    assert services.may_see(specialist, secret)
    assert secret in selectors.visible(specialist, commune_a)


# --- E-mail -------------------------------------------------------------------------


def sample_eml(message_id="<cv125@thanhhoa.gov.vn>") -> bytes:
    msg = email.message.EmailMessage()
    msg["From"] = "Văn phòng UBND tỉnh Thanh Hóa <vanphong@thanhhoa.gov.vn>"
    msg["To"] = "ubnd.hatrung@thanhhoa.gov.vn"
    msg["Subject"] = "Công văn số 125/UBND-KGVX về việc chuyển đổi số"
    msg["Date"] = "Tue, 03 Feb 2026 08:15:00 +0700"
    msg["Message-ID"] = message_id
    msg.set_content("Kính gửi UBND xã Hà Trung, văn phòng gửi công văn đính kèm.")
    msg.add_attachment(
        make_pdf("Công văn 125"),
        maintype="application",
        subtype="pdf",
        filename="125-UBND-KGVX.pdf",
    )
    msg.add_attachment(
        make_pdf("Phụ lục"), maintype="application", subtype="pdf", filename="phu-luc.pdf"
    )
    return msg.as_bytes()


def test_an_email_becomes_an_incoming_document_once(clerk, commune_a):
    doc = services.import_email(clerk, commune_a, sample_eml())
    assert doc.source == "email" and doc.symbol == "125/UBND-KGVX"
    assert doc.author == "Văn phòng UBND tỉnh Thanh Hóa"
    assert doc.summary == "Công văn số 125/UBND-KGVX về việc chuyển đổi số"
    assert doc.document_date == dt.date(2026, 2, 3)
    assert [f.kind for f in doc.files.all()] == ["original", "attachment"]
    assert services.import_email(clerk, commune_a, sample_eml()) == doc
    assert Document.objects.count() == 1


def test_an_email_without_pdf_is_refused(clerk, commune_a):
    msg = email.message.EmailMessage()
    msg["Subject"] = "Không có tệp"
    msg.set_content("Chỉ có chữ")
    with pytest.raises(ValidationError):
        services.import_email(clerk, commune_a, msg.as_bytes())


def test_the_mail_drop_command_imports_a_maildir_again_and_again(commune_a, tmp_path):
    import mailbox

    from django.core.management import call_command

    box = mailbox.Maildir(str(tmp_path / "hop-thu"), create=True)
    box.add(sample_eml("<a@x>"))
    box.add(sample_eml("<b@x>"))
    call_command("import_document_mail", commune_a.code_str, str(tmp_path / "hop-thu"))
    call_command("import_document_mail", commune_a.code_str, str(tmp_path / "hop-thu"))
    assert sorted(Document.objects.values_list("arrival_number", flat=True)) == [1, 2]


# --- Reminders ----------------------------------------------------------------------


def test_reminders_go_once_before_the_deadline_and_once_when_overdue(
    incoming, leader, specialist, django_capture_on_commit_callbacks
):
    from django.core.management import call_command

    specialist.email = "nam@hatrung.example.vn"
    specialist.save()
    monday = dt.datetime(2026, 3, 2, 9, tzinfo=VN)
    doc = services.assign(
        leader, incoming(now=monday), assignee=specialist, deadline=dt.date(2026, 3, 4), now=monday
    )
    mail.outbox.clear()
    assert services.send_reminders(monday) == {"soon": 0, "overdue": 0}
    tuesday = monday + dt.timedelta(days=1)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(tuesday) == {"soon": 1, "overdue": 0}
    assert services.send_reminders(tuesday) == {"soon": 0, "overdue": 0}
    assert mail.outbox[0].to == ["nam@hatrung.example.vn"]
    late = dt.datetime(2026, 3, 5, 9, tzinfo=VN)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_reminders(late) == {"soon": 0, "overdue": 1}
    assert services.send_reminders(late) == {"soon": 0, "overdue": 0}
    assert len(mail.outbox) == 2 and "quá hạn" in mail.outbox[1].body
    assert doc.events.filter(kind="reminder").count() == 2
    call_command("document_reminders")  # nothing left to send, and it says so


# --- Figures ------------------------------------------------------------------------


def test_the_figures_match_a_hand_counted_set(
    incoming, leader, specialist, approved, clerk, commune_a, credentials
):
    d = lambda day, h=9: dt.datetime(2026, 3, day, h, tzinfo=VN)  # noqa: E731
    a = incoming(now=d(2))  # Mon; handled Thu 5 → 3 working days, on time
    b = incoming(now=d(2))  # Mon; handled Tue 10 → 6 working days, late (deadline Wed 4)
    c = incoming(now=d(3))  # assigned, deadline Fri 6, still open → overdue now
    incoming(now=d(3))  # registered only
    services.import_email(clerk, commune_a, sample_eml())  # received electronically, out of range
    services.assign(leader, a, assignee=specialist, deadline=dt.date(2026, 3, 6), now=d(2))
    services.assign(leader, b, assignee=specialist, deadline=dt.date(2026, 3, 4), now=d(2))
    services.assign(leader, c, assignee=specialist, deadline=dt.date(2026, 3, 6), now=d(3))
    services.record_outcome(specialist, a, outcome="Xong", now=d(5))
    services.record_outcome(specialist, b, outcome="Xong", now=d(10))
    signed = services.sign(leader, services.number(clerk, approved(), now=d(4)), secret=credentials)
    services.issue(clerk, signed, now=d(4))
    services.issue(clerk, services.number(clerk, approved(), now=d(4)), now=d(4))
    figures = selectors.stats(commune_a, dt.date(2026, 3, 1), dt.date(2026, 3, 31), now=d(20))
    assert figures == {
        "incoming": 4,
        "incoming_electronic": 0,
        "incoming_handled": 2,
        "outgoing": 2,
        "outgoing_signed": 1,
        # 3 incoming assigned on the platform + 2 outgoing approved on it, of 4 + 2
        "processed_electronically_share": 83.3,
        "signed_electronically_share": 50.0,
        "average_handling_working_days": 4.5,
        "handled_late": 1,
        "overdue_open": 1,
    }
