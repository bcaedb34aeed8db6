"""Numbering at issue (Decree 30): yearly series from 01, separate series for legal
normative types and for secret documents, the correct codes, the year boundary,
and no duplicate under concurrent clerks."""

import datetime as dt
import threading

import pytest
from django.db import connection

from xaso.documents.models import Document
from xaso.documents.services import number

pytestmark = pytest.mark.dates

VN = dt.timezone(dt.timedelta(hours=7))


def at(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def test_numbers_run_from_01_in_the_general_series(approved, clerk):
    symbols = [number(clerk, approved(), now=at(2026, 2, 5)).symbol for _ in range(3)]
    assert symbols == ["01/UBND-VP", "02/UBND-VP", "03/UBND-VP"]


def test_every_administrative_type_shares_the_general_series_with_its_code(approved, clerk):
    cv = number(clerk, approved(), now=at(2026, 3, 2))
    qd = number(clerk, approved(doc_type="QĐ", drafting_unit=""), now=at(2026, 3, 2))
    tb = number(clerk, approved(doc_type="TB"), now=at(2026, 3, 2))
    ttr = number(clerk, approved(doc_type="TTr"), now=at(2026, 3, 2))
    assert [cv.symbol, qd.symbol, tb.symbol, ttr.symbol] == [
        "01/UBND-VP",
        "02/QĐ-UBND",
        "03/TB-UBND",
        "04/TTr-UBND",
    ]
    assert not any("CV" in d.symbol for d in (cv, qd, tb, ttr))


def test_a_cong_van_without_drafting_unit_is_numbered_under_the_issuer(approved, clerk):
    assert number(clerk, approved(drafting_unit=""), now=at(2026, 3, 2)).symbol == "01/UBND"


def test_legal_normative_documents_have_their_own_series_per_type(approved, clerk):
    number(clerk, approved(), now=at(2026, 4, 1))  # 01 in the general series
    qppl = number(clerk, approved(doc_type="QĐ", normative=True), now=at(2026, 4, 1))
    qppl2 = number(clerk, approved(doc_type="QĐ", normative=True), now=at(2026, 4, 2))
    general = number(clerk, approved(doc_type="QĐ"), now=at(2026, 4, 2))
    assert qppl.symbol == "01/2026/QĐ-UBND" and qppl2.symbol == "02/2026/QĐ-UBND"
    assert general.symbol == "02/QĐ-UBND"
    assert qppl.series == "qppl-QĐ" != general.series


def test_only_decisions_and_resolutions_may_be_legal_normative(draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        draft(doc_type="TB", normative=True)


def test_secret_documents_have_their_own_series(approved, clerk):
    number(clerk, approved(), now=at(2026, 5, 4))
    secret = number(clerk, approved(confidentiality="mat"), now=at(2026, 5, 4))
    after = number(clerk, approved(), now=at(2026, 5, 4))
    assert secret.symbol == "01/UBND-VP" and secret.series == "mat"
    assert after.symbol == "02/UBND-VP"


def test_the_year_boundary_restarts_the_series(approved, clerk):
    for _ in range(2):
        number(clerk, approved(), now=at(2025, 12, 30))
    last = number(clerk, approved(), now=at(2025, 12, 31, 23, 59))
    first = number(clerk, approved(), now=at(2026, 1, 1, 0, 1))
    assert (last.symbol, last.year, last.document_date) == (
        "03/UBND-VP",
        2025,
        dt.date(2025, 12, 31),
    )
    assert (first.symbol, first.year, first.document_date) == (
        "01/UBND-VP",
        2026,
        dt.date(2026, 1, 1),
    )


def test_arrival_numbers_run_per_year_in_the_incoming_register(incoming):
    a = incoming(now=at(2025, 12, 31, 16))
    b = incoming(now=at(2026, 1, 2, 8))
    c = incoming(now=at(2026, 1, 2, 9))
    assert [(d.arrival_year, d.arrival_number) for d in (a, b, c)] == [
        (2025, 1),
        (2026, 1),
        (2026, 2),
    ]


@pytest.mark.django_db(transaction=True)
def test_clerks_issuing_at_once_never_take_the_same_number(demo, commune_a):
    """Several clerks (threads, each with its own database connection) number at once."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks (select_for_update) are exercised on PostgreSQL")
    from django.db import connections

    from tests.conftest import user
    from tests.documents.conftest import TEMPLATE_FIELDS
    from xaso.documents.services import create_draft, review, submit

    clerk, leader, specialist = (
        user("vanthu.hatrung"),
        user("chutich.hatrung"),
        user("chuyenvien.hatrung"),
    )
    docs = []
    for _ in range(16):
        doc = create_draft(specialist, commune_a, **TEMPLATE_FIELDS)
        submit(specialist, doc)
        docs.append(review(leader, doc, decision="approve"))
    barrier = threading.Barrier(8)
    errors = []

    def work(chunk):
        try:
            barrier.wait()
            for doc in chunk:
                number(clerk, doc, now=at(2026, 6, 1))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(docs[i::8],)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    numbers = sorted(
        Document.objects.filter(commune=commune_a, year=2026).values_list("number", flat=True)
    )
    assert numbers == list(range(1, 17))
