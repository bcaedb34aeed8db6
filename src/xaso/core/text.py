"""Vietnamese text helpers: accent-insensitive search keys, Decree 30 date and place,
and the one rule for every stored string (:func:`check_storable`, :func:`scrub`)."""

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


# --- The one rule for every stored string -------------------------------------------
#
# A string the platform stores may hold any character except: C0 control characters
# other than tab, line feed and carriage return; DEL and the C1 controls (U+007F–U+009F);
# unpaired surrogates (U+D800–U+DFFF, possible through a JSON "\ud800" escape); and the
# non-characters U+FFFE and U+FFFF. NUL is refused by PostgreSQL and surrogates by every
# UTF-8 encoder (a page or a file that shows them fails); the others are invisible,
# are refused by XML 1.0 and so by openpyxl (Excel), and break the registers and exports.
# Carriage return stays allowed: browsers send every line break of a textarea as CR LF,
# and XML, Excel, CSV and PDF all accept it.
UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def unstorable_char(value) -> str | None:
    """The first character of ``value`` that no stored string may hold, or None.

    Walks lists and dicts (keys too) so a JSON answer is checked whole.
    """
    if isinstance(value, str):
        match = UNSTORABLE.search(value)
        return match.group() if match else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = unstorable_char(key) or unstorable_char(item)
            if found:
                return found
    elif isinstance(value, list | tuple):
        for item in value:
            found = unstorable_char(item)
            if found:
                return found
    return None


def codepoint(char: str) -> str:
    return f"U+{ord(char):04X}"


def unstorable_error(field: str, char: str):
    """The refusal of one field, a lazy message rendered in the reader's language."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _

    return ValidationError(
        _(
            "Trường %(field)s có ký tự không được phép (%(char)s, ký tự điều khiển hoặc lỗi "
            "mã hoá). Hãy xoá ký tự đó rồi gửi lại."
        ),
        code="unstorable",
        params={"field": field, "char": codepoint(char)},
    )


def check_storable(value, field: str):
    """Refuse ``value`` (a string, or JSON-like lists and dicts of them) when it holds a
    character no stored string may hold: ``ValidationError({field: …})`` naming the field
    and the character. Returns ``value`` unchanged, so it can wrap an assignment."""
    from django.core.exceptions import ValidationError

    char = unstorable_char(value)
    if char is not None:
        raise ValidationError({field: unstorable_error(field, char)})
    return value


def check_storable_fields(fields: dict, prefix: str = "") -> None:
    """:func:`check_storable` over several named inputs at once, every offender named
    in one ``ValidationError`` (``prefix`` + name, e.g. ``applicant.full_name``)."""
    from django.core.exceptions import ValidationError

    errors = {}
    for name, value in fields.items():
        char = unstorable_char(name) or unstorable_char(value)
        if char is not None:
            # A name that breaks the rule itself is not repeated in the message.
            label = prefix + ("?" if unstorable_char(name) else str(name))
            errors[label] = unstorable_error(label, char)
    if errors:
        raise ValidationError(errors)


def validate_storable(value) -> None:
    """The rule as a Django validator, for form and model fields."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext_lazy as _

    char = unstorable_char(value)
    if char is not None:
        raise ValidationError(
            _("Có ký tự không được phép (%(char)s). Hãy xoá ký tự đó rồi gửi lại."),
            code="unstorable",
            params={"char": codepoint(char)},
        )


def scrub(value):
    """For output (Excel, CSV, PDF, XML) and for records that must never refuse (the
    audit log): every character the rule refuses becomes U+FFFD "�", so a string stored
    before the rule can never break a file or a page. Lists and dicts are scrubbed
    through; other values pass unchanged."""
    if isinstance(value, str):
        return UNSTORABLE.sub("\ufffd", value) if UNSTORABLE.search(value) else value
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub(v) for v in value]
    return value
