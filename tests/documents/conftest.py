"""Documents fixtures: PDFs made with weasyprint, documents made through the services."""

from __future__ import annotations

import pytest

from tests.conftest import user


def make_pdf(text: str = "Văn bản mẫu") -> bytes:
    from weasyprint import HTML

    return HTML(string=f"<html><body><p>{text}</p></body></html>").write_pdf()


@pytest.fixture(scope="session")
def pdf() -> bytes:
    return make_pdf("Công văn đến — bản quét")


@pytest.fixture
def clerk(demo):
    return user("vanthu.hatrung")


@pytest.fixture
def leader(demo):
    return user("chutich.hatrung")


@pytest.fixture
def specialist(demo):
    return user("chuyenvien.hatrung")


@pytest.fixture
def incoming(commune_a, clerk, pdf):
    from xaso.documents.services import register_incoming

    def _make(**kwargs):
        fields = {
            "pdf": pdf,
            "filename": "cv-den.pdf",
            "doc_type": "CV",
            "author": "UBND tỉnh Thanh Hóa",
            "symbol": "125/UBND-KGVX",
            "document_date": "2026-02-03",
            "summary": "Về việc triển khai chuyển đổi số năm 2026",
        }
        fields.update(kwargs)
        return register_incoming(clerk, commune_a, **fields)

    return _make


TEMPLATE_FIELDS = {
    "doc_type": "CV",
    "summary": "trả lời về việc triển khai chuyển đổi số",
    "addressees": "Ủy ban nhân dân tỉnh Thanh Hóa",
    "body": "Ủy ban nhân dân xã Hà Trung báo cáo kết quả triển khai chuyển đổi số như sau.\n"
    "Đã hoàn thành 100 % hồ sơ trực tuyến.",
    "signer_prefix": "TM.",
    "signer_title": "Chủ tịch",
    "signer_name": "Lê Văn Hùng",
    "recipients_text": "Như trên;\nThường trực Đảng ủy xã",
    "drafting_unit": "VP",
    "archive_unit": "VP",
}


@pytest.fixture
def draft(commune_a, specialist):
    from xaso.documents.services import create_draft

    def _make(**kwargs):
        fields = dict(TEMPLATE_FIELDS)
        fields.update(kwargs)
        return create_draft(specialist, commune_a, **fields)

    return _make


@pytest.fixture
def approved(draft, specialist, leader):
    from xaso.documents.services import review, submit

    def _make(**kwargs):
        doc = draft(**kwargs)
        submit(specialist, doc)
        return review(leader, doc, decision="approve")

    return _make
