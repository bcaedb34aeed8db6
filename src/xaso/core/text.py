"""Vietnamese text helpers: accent-insensitive search keys, Decree 30 date and place."""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics (đ → d too) and squeeze spaces.

    ``fold("Xã Hà Sơn")`` → ``"xa ha son"``: the key every name search compares.
    """
    text = unicodedata.normalize("NFD", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn")
    text = text.replace("đ", "d").replace("Đ", "D").lower()
    return _SPACES.sub(" ", text).strip()


_PLACE_PREFIX = re.compile(r"^(xã|phường|đặc khu|thị trấn)\s+", re.IGNORECASE)


def date_words(day) -> str:
    """``ngày 05 tháng 02 năm 2026``, ``ngày 15 tháng 3 năm 2026`` (Decree 30/2020:
    days below 10 and the months 1 and 2 are written with two digits)."""
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_name(commune_name: str) -> str:
    """``Xã Hà Trung`` → ``Hà Trung``: the place written before the date line."""
    return _PLACE_PREFIX.sub("", commune_name.strip()) or commune_name
