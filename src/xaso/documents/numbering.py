"""Numbers, codes and dates as Decree 30/2020/NĐ-CP writes them.

- Numbers run from 01 on 1 January to 31 December, per commune and per series:
  the general series of administrative documents, one series per type of legal
  normative document, and one series for secret documents.
- A number below 10 is written with a leading zero ("01").
- Codes come from Annex III; a công văn has no type code: its code is the
  issuer and the drafting unit (``15/UBND-VP``); other types put their code
  first (``15/QĐ-UBND``); a legal normative document carries its year
  (``03/2026/QĐ-UBND``).
- Dates read "ngày 05 tháng 02 năm 2026": days below 10 and the months 1 and 2
  take a leading zero.
"""

from __future__ import annotations

from django.db import transaction

from xaso.core import text
from xaso.documents.models import Confidentiality, Counter, DocType

#: The abbreviation of the issuing authority: the commune's People's Committee.
ISSUER = "UBND"
GENERAL_SERIES = "chung"
SECRET_SERIES = "mat"  # noqa: S105 - the name of a series, not a password
INCOMING_SERIES = "den"


def two_digits(number: int) -> str:
    return f"{number:02d}"


def place_name(commune) -> str:
    """The place written before the date: the commune's name without its kind."""
    return text.place_name(commune.name)


def series_for(doc_type: str, *, normative: bool, confidentiality: str) -> str:
    if confidentiality != Confidentiality.NORMAL:
        return SECRET_SERIES
    if normative:
        return f"qppl-{doc_type}"
    return GENERAL_SERIES


def code_for(doc_type: str, *, drafting_unit: str = "", normative: bool = False, year: int) -> str:
    """The part after the number: ``UBND-VP``, ``QĐ-UBND``, ``2026/QĐ-UBND``."""
    if doc_type == DocType.CONG_VAN:
        return f"{ISSUER}-{drafting_unit}" if drafting_unit else ISSUER
    if normative:
        return f"{year}/{doc_type}-{ISSUER}"
    return f"{doc_type}-{ISSUER}"


def symbol(number: int, code: str) -> str:
    return f"{two_digits(number)}/{code}"


def take_number(commune, year: int, series: str) -> int:
    """The next number of a yearly series, inside the caller's transaction.

    The counter row is locked (``select_for_update``) until the caller commits,
    so a second clerk issuing at the same moment waits and takes the next number.
    The row is created first when the series starts (1 January, or a new commune);
    a concurrent creation is caught by the unique constraint and re-read.
    """
    assert transaction.get_connection().in_atomic_block, "take_number needs a transaction"
    Counter.objects.get_or_create(commune=commune, year=year, series=series)
    counter = Counter.objects.select_for_update().get(commune=commune, year=year, series=series)
    counter.value += 1
    counter.save(update_fields=["value"])
    return counter.value
