"""The English catalogue is complete: no untranslated or fuzzy entries, and every
msgstr keeps the python-format placeholders of its msgid.

The .po file is read with a small parser below (no extra dependency); the checks
run on the parser's output, and are themselves tested on a tiny bad catalogue.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import xaso

CATALOGUE = Path(xaso.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"

# printf-style conversions as Python's %-operator reads them; "%%" is a literal percent.
PLACEHOLDER = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?"  # optional mapping key
    r"[#0 +\-]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?"  # flags, width, precision, length
    r"(?P<conv>[diouxXeEfFgGcrsa%])"
)


@dataclass
class Entry:
    line: int
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.msgid[:60]!r}"


def _unquote(text: str) -> str:
    # A PO string is a C-like quoted string; Python's literal syntax reads it the same way
    # for the escapes gettext writes (\n, \t, \", \\).
    return ast.literal_eval(text)


def parse_po(text: str) -> list[Entry]:
    """Entries of a PO file, header included (msgid ""), obsolete (#~) entries left out."""
    entries: list[Entry] = []
    current: Entry | None = None
    target: tuple[str, int | None] | None = None

    def finish() -> None:
        nonlocal current, target
        if current is not None and (current.msgstr or current.msgid):
            entries.append(current)
        current, target = None, None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            if current is not None and current.msgstr:
                finish()
            if current is None:
                current = Entry(line=number)
            current.flags.update(f.strip() for f in line[2:].split(",") if f.strip())
            continue
        if line.startswith("#"):
            if current is not None and current.msgstr:
                finish()
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"line {number}: string continuation outside an entry")
            kind, index = target
            value = _unquote(line)
            if kind == "msgstr":
                current.msgstr[index] += value
            else:
                setattr(current, kind, (getattr(current, kind) or "") + value)
            continue
        keyword, _, rest = line.partition(" ")
        if keyword in ("msgctxt", "msgid") and current is not None and current.msgstr:
            finish()
        if current is None:
            current = Entry(line=number)
        value = _unquote(rest.strip())
        if keyword in ("msgctxt", "msgid", "msgid_plural"):
            if keyword == "msgid":
                current.line = number
            setattr(current, keyword, value)
            target = (keyword, None)
        elif keyword == "msgstr":
            current.msgstr[0] = value
            target = ("msgstr", 0)
        elif (m := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) is not None:
            current.msgstr[int(m[1])] = value
            target = ("msgstr", int(m[1]))
        else:
            raise ValueError(f"line {number}: unexpected {keyword!r}")
    finish()
    return entries


def placeholders(text: str) -> tuple[frozenset[str], tuple[str, ...]]:
    """Named placeholders (as a set) and positional ones (in order)."""
    named, positional = set(), []
    for m in PLACEHOLDER.finditer(text):
        if m["conv"] == "%":
            continue
        if m["name"] is not None:
            named.add(f"%({m['name']}){m['conv']}")
        else:
            positional.append(f"%{m['conv']}")
    return frozenset(named), tuple(positional)


def problems(entries: list[Entry]) -> list[str]:
    found = []
    for e in entries:
        if e.msgid == "" and e.msgctxt is None:  # the header
            if "fuzzy" in e.flags:
                found.append("the header is fuzzy")
            continue
        if "fuzzy" in e.flags:
            found.append(f"fuzzy: {e.label}")
        if not e.msgstr or any(not s for s in e.msgstr.values()):
            found.append(f"untranslated: {e.label}")
            continue
        if "no-python-format" in e.flags:
            continue
        for index, translated in sorted(e.msgstr.items()):
            source = e.msgid if index == 0 or e.msgid_plural is None else e.msgid_plural
            want_named, want_positional = placeholders(source)
            got_named, got_positional = placeholders(translated)
            # A singular form may leave the count out ("one file"), never add a name.
            loose = e.msgid_plural is not None and index == 0
            if got_named != want_named and not (loose and got_named < want_named):
                found.append(
                    f"placeholders {sorted(got_named)} instead of {sorted(want_named)}: {e.label}"
                )
            if "python-format" in e.flags and got_positional != want_positional:
                found.append(
                    f"placeholders {list(got_positional)} instead of "
                    f"{list(want_positional)}: {e.label}"
                )
    return found


def test_english_catalogue_is_complete_and_keeps_placeholders():
    entries = parse_po(CATALOGUE.read_text(encoding="utf-8"))
    assert len(entries) > 100
    found = problems(entries)
    assert not found, f"{len(found)} problem(s) in {CATALOGUE.name}:\n" + "\n".join(found[:50])


BAD = r"""
msgid ""
msgstr ""
"Language: en\n"

#: a.py:1
msgid "Xin chào"
msgstr "Hello"

#: a.py:2
#, fuzzy
msgid "Tạm biệt"
msgstr "Goodbye"

#: a.py:3
msgid "Chưa dịch"
msgstr ""

#: a.py:4
#, python-format
msgid "Hồ sơ %(code)s của "
"%(name)s"
msgstr "Dossier %(kode)s of %(name)s"

#: a.py:5
#, python-format
msgid "%(n)s tệp"
msgid_plural "%(n)s tệp"
msgstr[0] "one file"
msgstr[1] "%(n)s files"

#: a.py:5
#, python-format
msgid "%(n)s ảnh"
msgid_plural "%(n)s ảnh"
msgstr[0] "%(m)s photo"
msgstr[1] "%(n)s photos"

#: a.py:6
#, python-format
msgid "Còn %s ngày, 100%% xong"
msgstr "%s days left, 100%% done"

#: a.py:7
#, python-format
msgid "Từ %s đến %s"
msgstr "From %s"

#~ msgid "Cũ"
#~ msgstr ""
"""


def test_the_checks_catch_each_kind_of_problem():
    entries = parse_po(BAD)
    assert [e.msgid for e in entries][:3] == ["", "Xin chào", "Tạm biệt"]
    assert entries[4].msgid == "Hồ sơ %(code)s của %(name)s"
    assert entries[5].msgstr == {0: "one file", 1: "%(n)s files"}
    found = problems(entries)
    assert len(found) == 5, found
    assert found[0].startswith("fuzzy:") and "Tạm biệt" in found[0]
    assert found[1].startswith("untranslated:") and "Chưa dịch" in found[1]
    assert "%(kode)s" in found[2] and "%(code)s" in found[2]
    assert "%(m)s" in found[3] and "%(n)s ảnh" in found[3]
    assert "Từ %s đến %s" in found[4]
