"""Import the commune's spreadsheets (CSV or .xlsx, one row per person with a
household number) and export the registry in the same shape.

One scan serves both steps. The dry run reads every row and reports each
problem in Vietnamese (row, column, message) without writing. The commit scans
again inside one transaction, writing clean rows in batches as it goes, and
rolls everything back if any problem turns up — all or nothing. Rows are
streamed (csv reader, openpyxl ``read_only``) and written in batches, so memory
stays bounded by the per-household and per-identity-number bookkeeping.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.accounts.validators import (
    mask_identity_number,
    normalize_phone,
    validate_identity_number,
)
from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.problems import Problem
from xaso.core.text import fold, scrub, unstorable_char, unstorable_error
from xaso.geo.selectors import AddressResolver
from xaso.population.choices import Event, Relationship, Residence, VillageKind
from xaso.population.models import Household, ImportJob, Person, PersonChange, Village
from xaso.population.services import clean_ethnicity

BATCH = 2000
#: Problems kept in a report; the counts still cover every row.
MAX_REPORTED = 1000
MAX_BYTES = 64 * 1024 * 1024

#: Column → the headers communes use for it (compared folded: accents and case ignored).
COLUMNS = {
    "household_number": ["so ho", "ma ho", "so ho gia dinh", "ho so"],
    "full_name": ["ho va ten", "ho ten", "ten", "ho va ten nhan khau"],
    "date_of_birth": ["ngay sinh", "ngay thang nam sinh", "ngay, thang, nam sinh"],
    "sex": ["gioi tinh", "gioi"],
    "identity_number": [
        "so dinh danh",
        "so dinh danh ca nhan",
        "cccd",
        "so cccd",
        "ma dinh danh",
        "so cccd/dinh danh",
        "cccd/dinh danh",
    ],
    "ethnicity": ["dan toc"],
    "relationship": ["quan he voi chu ho", "quan he", "quan he chu ho"],
    "village": ["thon/to dan pho", "thon", "thon, to dan pho", "thon/xom", "to dan pho", "xom"],
    "phone": ["so dien thoai", "dien thoai", "sdt", "so dt"],
    "residence_status": ["tinh trang cu tru", "cu tru", "loai cu tru"],
    "address": ["dia chi", "dia chi chi tiet"],
}
REQUIRED = ("household_number", "full_name", "date_of_birth", "sex", "village")
#: The header each column is exported under (and the canonical import template).
EXPORT_HEADERS = {
    "household_number": "Số hộ",
    "full_name": "Họ và tên",
    "date_of_birth": "Ngày sinh",
    "sex": "Giới tính",
    "identity_number": "Số định danh",
    "ethnicity": "Dân tộc",
    "relationship": "Quan hệ với chủ hộ",
    "village": "Thôn/Tổ dân phố",
    "phone": "Số điện thoại",
    "residence_status": "Tình trạng cư trú",
    "address": "Địa chỉ",
}
_HEADER_KEYS = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}

_RELATIONSHIPS = [
    ("chu ho", Relationship.HEAD),
    ("vo", Relationship.WIFE),
    ("chong", Relationship.HUSBAND),
    ("con", Relationship.CHILD),
    ("cha", Relationship.FATHER),
    ("bo", Relationship.FATHER),
    ("me", Relationship.MOTHER),
    ("ong", Relationship.GRANDFATHER),
    ("ba", Relationship.GRANDMOTHER),
    ("chau", Relationship.GRANDCHILD),
    ("anh", Relationship.SIBLING),
    ("chi", Relationship.SIBLING),
    ("em", Relationship.SIBLING),
    ("khac", Relationship.OTHER),
]
_RESIDENCE = {
    "": Residence.PERMANENT,
    "thuong tru": Residence.PERMANENT,
    "tam tru": Residence.TEMPORARY,
    "tam vang": Residence.ABSENT,
}
_VILLAGE_PREFIXES = ("to dan pho ", "tdp ", "thon ", "xom ", "ban ", "ap ", "khu pho ", "to ")
_DMY = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_YMD = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")


class ImportFileError(Exception):
    """The file cannot be read at all (not a spreadsheet, truncated, no header)."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _village_key(name: str) -> str:
    key = fold(name)
    for prefix in _VILLAGE_PREFIXES:
        if key.startswith(prefix) and len(key) > len(prefix):
            return key[len(prefix) :].strip()
    return key


# --- Reading rows -------------------------------------------------------------------


def _detect_encoding(f) -> str:
    decoder = codecs.getincrementaldecoder("utf-8")()
    f.seek(0)
    try:
        while chunk := f.read(1 << 20):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        encoding = "utf-8-sig"
    except UnicodeDecodeError:
        # Excel on a Vietnamese Windows saves "CSV" in the ANSI code page.
        encoding = "cp1258"
    f.seek(0)
    return encoding


def _csv_rows(f) -> Iterator[list]:
    encoding = _detect_encoding(f)
    text = io.TextIOWrapper(f, encoding=encoding, newline="", errors="replace")
    first = text.readline()
    delimiter = max((";", ",", "\t"), key=first.count) if first else ","
    yield next(csv.reader([first], delimiter=delimiter), [])
    yield from csv.reader(text, delimiter=delimiter)


def _xlsx_rows(f) -> Iterator[tuple]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(f, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, Exception) as exc:
        # Untrusted bytes: whatever openpyxl trips on, the answer is "not a workbook".
        raise ImportFileError(
            gettext_lazy("Không đọc được tệp Excel (tệp hỏng hoặc không phải .xlsx).")
        ) from exc
    try:
        sheet = book.worksheets[0]
        yield from sheet.iter_rows(values_only=True)
    except ImportFileError:
        raise
    except Exception as exc:
        raise ImportFileError(
            gettext_lazy("Tệp Excel bị hỏng giữa chừng; hãy lưu lại tệp rồi tải lên lại.")
        ) from exc
    finally:
        book.close()


def open_rows(f, filename: str) -> Iterator:
    name = (filename or "").lower()
    head = f.read(8)
    f.seek(0)
    if name.endswith((".xlsx", ".xlsm")) or head.startswith(b"PK\x03\x04"):
        return _xlsx_rows(f)
    if name.endswith(".xls") or head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFileError(
            gettext_lazy("Tệp .xls (Excel cũ) chưa được hỗ trợ: hãy lưu thành .xlsx hoặc CSV.")
        )
    if b"\x00" in head:
        raise ImportFileError(gettext_lazy("Tệp không phải bảng tính CSV hoặc Excel (.xlsx)."))
    return _csv_rows(f)


def _header(rows: Iterator) -> tuple[int, dict[str, int], list[str]]:
    """Find the header among the first rows (a title row often comes first)."""
    for index, row in enumerate(rows, start=1):
        labels = ["" if c is None else str(c).strip() for c in row]
        mapping = {}
        for pos, label in enumerate(labels):
            name = _HEADER_KEYS.get(fold(label).rstrip(":*").strip())
            if name and name not in mapping:
                mapping[name] = pos
        if len(mapping) >= 3:
            missing = [EXPORT_HEADERS[c] for c in REQUIRED if c not in mapping]
            if missing:
                raise ImportFileError(
                    _("Thiếu cột: %(columns)s.") % {"columns": ", ".join(missing)}
                )
            return index, mapping, labels
        if index >= 10:
            break
    raise ImportFileError(
        gettext_lazy(
            "Không tìm thấy dòng tiêu đề (cần các cột Số hộ, Họ và tên, Ngày sinh, "
            "Giới tính, Thôn/Tổ dân phố)."
        )
    )


# --- Parsing cells ------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value).strip()
    # Windows-1258 spells tones as combining marks; the registry stores composed text.
    if not text.isascii() and not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    return text


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _cell_text(value)
    if not text:
        raise ValueError(_("Thiếu ngày sinh."))
    m = _DMY.match(text)
    if m:
        day, month, year = (int(x) for x in m.groups())
    else:
        m = _YMD.match(text)
        if not m:
            raise ValueError(
                _("Ngày sinh “%(value)s” không đúng dạng ngày/tháng/năm.") % {"value": text[:30]}
            )
        year, month, day = (int(x) for x in m.groups())
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("Ngày “%(value)s” không có thật.") % {"value": text[:30]}) from None


def _sex(value) -> str:
    key = fold(_cell_text(value))
    if key in ("nam", "m", "male"):
        return "M"
    if key in ("nu", "f", "female"):
        return "F"
    raise ValueError(_("Giới tính phải là Nam hoặc Nữ."))


def _relationship(value) -> str:
    key = fold(_cell_text(value))
    if not key:
        raise ValueError(_("Thiếu quan hệ với chủ hộ."))
    for prefix, rel in _RELATIONSHIPS:
        if key == prefix or key.startswith(prefix + " ") or key.startswith(prefix + "/"):
            return rel
    raise ValueError(_("Quan hệ với chủ hộ “%(value)s” không rõ.") % {"value": key[:30]})


def _identity(value) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A number cell drops the leading zero of "038…".
        return str(int(value)).zfill(12)
    return re.sub(r"[\s.]", "", _cell_text(value))


# --- The scan -----------------------------------------------------------------------


@dataclass
class Report:
    rows_total: int = 0
    rows_with_errors: int = 0
    problems_total: int = 0
    problems: list = field(default_factory=list)
    #: What the official should know but need not fix (an address written with a
    #: commune's name of before July 2025): one note per distinct case, with its rows.
    notes: dict = field(default_factory=dict)

    def add(self, row: int, column: str, message) -> None:
        self.problems_total += 1
        if len(self.problems) < MAX_REPORTED:
            # A message may quote the cell: what the string rule refuses becomes "�".
            self.problems.append({"row": row, "column": column, "message": scrub(str(message))})

    def note(self, key, row: int, column: str, message) -> None:
        if key in self.notes:
            self.notes[key]["rows"] += 1
        elif len(self.notes) < MAX_REPORTED:
            self.notes[key] = {"row": row, "rows": 1, "column": column, "message": str(message)}


def _old_address_note(found: dict, commune) -> str:
    """What the import check says about an address that names a pre-July-2025 commune."""
    params = {
        "old": found["old"],
        "commune": found["commune"].name,
        "province": found["commune"].province.name,
    }
    if found["main"]:
        return _("Địa chỉ ghi tên trước 7/2025 “%(old)s”: nay là %(commune)s.") % params
    if found["within"]:
        return (
            _(
                "Địa chỉ ghi tên trước 7/2025 “%(old)s”: đơn vị này đã chia cho nhiều xã; "
                "xã kế thừa chính là %(commune)s, %(province)s, xã này nhận một phần."
            )
            % params
        )
    return (
        _(
            "Địa chỉ ghi tên trước 7/2025 “%(old)s”: nay là %(commune)s, %(province)s, "
            "không phải xã này."
        )
        % params
    )


@dataclass
class _Household:
    first_row: int
    village_id: int
    heads: int = 0
    existing_id: int | None = None
    existing_head: bool = False


class _Writer:
    """Writes clean rows in batches: households first, then their members."""

    def __init__(self, commune, actor, job: ImportJob, existing: dict[str, tuple]):
        self.commune = commune
        self.actor = actor
        self.job = job
        self.household_ids = {number: ids[0] for number, ids in existing.items()}
        self.pending: list[dict] = []
        self.heads: dict[int, int] = {}
        self.persons = 0
        self.households = 0

    def add(self, row: dict) -> None:
        self.pending.append(row)
        if len(self.pending) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        new = {}
        for row in self.pending:
            number = row["household_number"]
            if number not in self.household_ids and number not in new:
                new[number] = Household(
                    commune=self.commune,
                    number=number,
                    village_id=row["village_id"],
                    address=row["address"],
                )
        if new:
            Household.objects.bulk_create(new.values(), batch_size=BATCH)
            for number, household in new.items():
                self.household_ids[number] = household.pk
            self.households += len(new)
        persons = [
            Person(
                commune=self.commune,
                household_id=self.household_ids[row["household_number"]],
                full_name=row["full_name"],
                full_name_folded=row["folded"],
                date_of_birth=row["date_of_birth"],
                sex=row["sex"],
                identity_number=row["identity_number"] or None,
                ethnicity=row["ethnicity"],
                relationship=row["relationship"],
                phone=row["phone"],
                residence_status=row["residence_status"],
            )
            for row in self.pending
        ]
        Person.objects.bulk_create(persons, batch_size=BATCH)
        actor = self.actor if getattr(self.actor, "is_authenticated", False) else None
        label = actor.get_username() if actor else "system"
        PersonChange.objects.bulk_create(
            [
                PersonChange(
                    commune=self.commune,
                    person_id=p.pk,
                    household_id=p.household_id,
                    actor=actor,
                    actor_label=label,
                    event=Event.IMPORT,
                    note=f"{self.job.filename[:200]} #{self.job.pk}",
                )
                for p in persons
            ],
            batch_size=BATCH,
        )
        for p in persons:
            if p.relationship == Relationship.HEAD:
                self.heads[p.household_id] = p.pk
        self.persons += len(persons)
        self.pending = []

    def finish(self) -> None:
        self.flush()
        items = list(self.heads.items())
        for start in range(0, len(items), BATCH):
            Household.objects.bulk_update(
                [Household(pk=hid, head_id=pid) for hid, pid in items[start : start + BATCH]],
                ["head"],
            )


def scan(
    f, filename: str, commune, *, writer: _Writer | None = None, today: dt.date | None = None
) -> Report:
    """Read every row, check it, and hand the clean ones to ``writer`` (if any)."""
    rows = open_rows(f, filename)
    header_row, cols, labels = _header(rows)
    label = {name: labels[pos] or EXPORT_HEADERS[name] for name, pos in cols.items()}
    villages: dict[str, int] = {}
    for v in Village.objects.filter(commune=commune):
        villages.setdefault(v.name_folded, v.pk)
        villages.setdefault(_village_key(v.name), v.pk)
        kind = dict(VillageKind.choices).get(v.kind, "")
        villages.setdefault(fold(f"{kind} {v.name}"), v.pk)
    existing = {
        number: (pk, head_id)
        for number, pk, head_id in Household.objects.filter(commune=commune).values_list(
            "number", "id", "head_id"
        )
    }
    known_people = set(
        Person.objects.filter(commune=commune, alive=True, moved_out_on=None).values_list(
            "full_name_folded", "date_of_birth", "household__village_id"
        )
    )
    report = Report()
    addresses = AddressResolver()
    seen_ids: dict[str, int] = {}
    seen_people: dict[tuple, int] = {}
    households: dict[str, _Household] = {}
    chunk: list[dict] = []

    def check_chunk():
        numbers = [r["identity_number"] for r in chunk if r["identity_number"]]
        taken = (
            set(
                Person.objects.filter(identity_number__in=numbers).values_list(
                    "identity_number", flat=True
                )
            )
            if numbers
            else set()
        )
        for r in chunk:
            if r["identity_number"] in taken:
                report.add(
                    r["row"],
                    label.get("identity_number", ""),
                    _("Số định danh %(number)s đã có trong sổ dân cư.")
                    % {"number": mask_identity_number(r["identity_number"])},
                )
                report.rows_with_errors += 1
            elif writer is not None:
                writer.add(r)
        chunk.clear()

    def get(values, name):
        pos = cols.get(name)
        if pos is None or pos >= len(values):
            return None
        return values[pos]

    for row_number, values in enumerate(rows, start=header_row + 1):
        if not values or all(v is None or str(v).strip() == "" for v in values):
            continue
        report.rows_total += 1
        problems = []

        def problem(column, message, _problems=problems):
            _problems.append((label.get(column, EXPORT_HEADERS.get(column, "")), message))

        # The string rule (core.text): rows are written with bulk_create, which the
        # model-level check does not see, so every cell read is checked here.
        for name in cols:
            char = unstorable_char(get(values, name))
            if char is not None:
                refusal = unstorable_error(label.get(name, name), char)
                problem(name, refusal.message % refusal.params)

        number = _cell_text(get(values, "household_number"))[:30]
        if not number:
            problem("household_number", _("Thiếu số hộ."))
        full_name = " ".join(_cell_text(get(values, "full_name")).split())[:150]
        if not full_name:
            problem("full_name", _("Thiếu họ và tên."))
        dob = sex = None
        try:
            dob = parse_date(get(values, "date_of_birth"))
            today = today or timezone.localdate()
            if dob > today or dob.year < today.year - 130:
                problem("date_of_birth", _("Ngày sinh không hợp lệ (sau hôm nay hoặc quá xa)."))
                dob = None
        except ValueError as exc:
            problem("date_of_birth", str(exc))
        try:
            sex = _sex(get(values, "sex"))
        except ValueError as exc:
            problem("sex", str(exc))
        identity = _identity(get(values, "identity_number"))
        if identity:
            try:
                validate_identity_number(identity, date_of_birth=dob, sex=sex)
            except ValidationError as exc:
                problem("identity_number", " ".join(exc.messages))
            else:
                if identity in seen_ids:
                    problem(
                        "identity_number",
                        _("Trùng số định danh với dòng %(row)s.") % {"row": seen_ids[identity]},
                    )
                else:
                    seen_ids[identity] = row_number
        village_text = _cell_text(get(values, "village"))
        village_id = villages.get(fold(village_text)) or villages.get(_village_key(village_text))
        if village_id is None:
            problem(
                "village",
                _("Thôn/tổ dân phố “%(name)s” không có trong danh sách của xã.")
                % {"name": village_text[:60]}
                if village_text
                else _("Thiếu thôn/tổ dân phố."),
            )
        relationship = Relationship.OTHER
        if "relationship" in cols:
            try:
                relationship = _relationship(get(values, "relationship"))
            except ValueError as exc:
                problem("relationship", str(exc))
        ethnicity = "Kinh"
        try:
            ethnicity = clean_ethnicity(_cell_text(get(values, "ethnicity")))
        except ValidationError as exc:
            problem("ethnicity", " ".join(exc.messages))
        phone_raw = get(values, "phone")
        phone = ""
        if isinstance(phone_raw, int | float) and not isinstance(phone_raw, bool):
            phone_raw = "0" + str(int(phone_raw))
        if _cell_text(phone_raw):
            try:
                phone = normalize_phone(_cell_text(phone_raw))
            except ValidationError as exc:
                problem("phone", " ".join(exc.messages))
        residence = _RESIDENCE.get(fold(_cell_text(get(values, "residence_status"))))
        if residence is None:
            problem(
                "residence_status",
                _("Tình trạng cư trú phải là Thường trú, Tạm trú hoặc Tạm vắng."),
            )
        folded = fold(full_name)
        if full_name and dob and village_id:
            key = (folded, dob, village_id)
            if key in seen_people:
                problem(
                    "full_name",
                    _("Trùng họ tên, ngày sinh và thôn với dòng %(row)s.")
                    % {"row": seen_people[key]},
                )
            elif key in known_people:
                problem("full_name", _("Đã có người cùng họ tên, ngày sinh và thôn trong sổ."))
            else:
                seen_people[key] = row_number
        if number and village_id:
            hh = households.get(number)
            if hh is None:
                old = existing.get(number)
                hh = households[number] = _Household(
                    row_number,
                    village_id,
                    existing_id=old[0] if old else None,
                    existing_head=bool(old and old[1]),
                )
            elif hh.village_id != village_id:
                problem(
                    "village",
                    _("Cùng số hộ nhưng khác thôn với dòng %(row)s.") % {"row": hh.first_row},
                )
            if relationship == Relationship.HEAD:
                hh.heads += 1
                if hh.heads > 1 or hh.existing_head:
                    problem(
                        "relationship",
                        _("Hộ số %(number)s có nhiều hơn một chủ hộ.") % {"number": number},
                    )
        address = _cell_text(get(values, "address"))[:255]
        old_place = addresses.resolve(address, within=commune) if address else None
        if old_place is not None:
            report.note(
                (old_place["old"], old_place["commune"].pk),
                row_number,
                label.get("address", EXPORT_HEADERS["address"]),
                _old_address_note(old_place, commune),
            )
        for column, message in problems:
            report.add(row_number, column, message)
        if problems:
            report.rows_with_errors += 1
            continue
        chunk.append(
            {
                "row": row_number,
                "household_number": number,
                "village_id": village_id,
                "address": address,
                "full_name": full_name,
                "folded": folded,
                "date_of_birth": dob,
                "sex": sex,
                "identity_number": identity,
                "ethnicity": ethnicity,
                "relationship": relationship,
                "phone": phone,
                "residence_status": residence,
            }
        )
        if len(chunk) >= 1000:
            check_chunk()
    check_chunk()
    for number, hh in households.items():
        if hh.heads == 0 and not hh.existing_head:
            report.add(
                hh.first_row,
                label.get("relationship", EXPORT_HEADERS["relationship"]),
                _("Hộ số %(number)s không có chủ hộ.") % {"number": number},
            )
            report.rows_with_errors += 1
    if report.rows_total == 0:
        raise ImportFileError(gettext_lazy("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề."))
    if writer is not None and not report.problems_total:
        writer.finish()
    report.problems.sort(key=lambda p: p["row"])
    return report


# --- The two steps ------------------------------------------------------------------


class _Abort(Exception):
    def __init__(self, report: Report):
        self.report = report


def _apply(job: ImportJob, report: Report) -> None:
    job.rows_total = report.rows_total
    job.rows_with_errors = report.rows_with_errors
    job.report = report.problems
    job.notes = list(report.notes.values())
    job.status = (
        ImportJob.Status.HAS_ERRORS if report.problems_total else ImportJob.Status.DRY_RUN_OK
    )
    job.error = (
        _("%(n)s lỗi; chỉ hiện %(shown)s lỗi đầu.")
        % {"n": report.problems_total, "shown": MAX_REPORTED}
        if report.problems_total > MAX_REPORTED
        else ""
    )


def dry_run(
    actor, commune, upload, *, ip: str | None = None, now: dt.datetime | None = None
) -> ImportJob:
    """Store the uploaded file and check every row; nothing enters the registry."""
    permissions.require(actor, "population.import", commune)
    size = getattr(upload, "size", 0) or 0
    if size > MAX_BYTES:
        raise Problem(413, gettext_lazy("Tệp quá lớn (tối đa 64 MB)."))
    # Only letters, digits, dots and dashes reach the storage: "..", "/" or control
    # characters in a client's file name must not become a path or a crash.
    raw_name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    filename = re.sub(r"[^\w.\-]+", "-", raw_name).strip(".-")[-100:] or "tep-dan-cu.csv"
    job = ImportJob(commune=commune, actor=actor, filename=filename, status="has_errors")
    job.file.save(filename, upload, save=False)
    try:
        with job.file.open("rb") as f:
            report = scan(f, filename, commune, today=_local_day(now))
    except ImportFileError as exc:
        job.status = ImportJob.Status.BROKEN
        job.error = str(exc.message)[:500]
    else:
        _apply(job, report)
    job.save()
    audit.record(
        actor,
        "population.import.dry_run",
        job,
        ip=ip,
        detail={
            "rows": job.rows_total,
            "rows_with_errors": job.rows_with_errors,
            "status": job.status,
        },
    )
    return job


def _local_day(now: dt.datetime | None) -> dt.date:
    return timezone.localdate(now) if now is not None else timezone.localdate()


def commit(
    actor, job: ImportJob, *, ip: str | None = None, now: dt.datetime | None = None
) -> ImportJob:
    """Write a checked file into the registry, all rows or none."""
    permissions.require(actor, "population.import", job.commune)
    if job.status != ImportJob.Status.DRY_RUN_OK:
        raise Problem(
            409,
            gettext_lazy("Chỉ ghi được tệp đã kiểm tra không còn lỗi và chưa ghi lần nào."),
            code="import-not-ready",
        )
    try:
        with transaction.atomic():
            locked = ImportJob.objects.select_for_update().get(pk=job.pk)
            if locked.status != ImportJob.Status.DRY_RUN_OK:
                raise Problem(409, gettext_lazy("Tệp này đã được ghi."), code="import-not-ready")
            existing = {
                number: (pk, head)
                for number, pk, head in Household.objects.filter(commune=job.commune).values_list(
                    "number", "id", "head_id"
                )
            }
            writer = _Writer(job.commune, actor, job, existing)
            with job.file.open("rb") as f:
                report = scan(f, job.filename, job.commune, writer=writer, today=_local_day(now))
            if report.problems_total:
                raise _Abort(report)
            locked.status = ImportJob.Status.COMMITTED
            locked.committed_at = now or timezone.now()
            locked.persons_created = writer.persons
            locked.households_created = writer.households
            locked.rows_total = report.rows_total
            locked.save()
            audit.record(
                actor,
                "population.import.commit",
                locked,
                ip=ip,
                detail={"persons": writer.persons, "households": writer.households},
            )
            return locked
    except _Abort as abort:
        # The registry changed since the dry run: nothing was written; show why.
        _apply(job, abort.report)
        job.save()
        return job
    except ImportFileError as exc:
        job.status = ImportJob.Status.BROKEN
        job.error = str(exc.message)[:500]
        job.save()
        return job


# --- Export -------------------------------------------------------------------------


def export_rows(actor, commune, *, full_ids: bool = False, ip: str | None = None):
    """The registry's residents in the import shape; identity numbers and phones masked
    unless the actor may see them and asked for them. Audited as a personal-data read."""
    permissions.require(actor, "population.import", commune)
    full = full_ids and permissions.has_perm(actor, "population.view_identity_number", commune)
    audit.record(
        actor,
        "population.export",
        None,
        commune=commune,
        ip=ip,
        personal_data=True,
        detail={"full_identity_numbers": full},
    )
    from xaso.accounts.validators import mask_phone

    rel = dict(Relationship.choices)
    res = dict(Residence.choices)
    yield list(EXPORT_HEADERS.values())
    qs = (
        Person.objects.filter(commune=commune, alive=True, moved_out_on=None)
        .select_related("household", "household__village")
        .order_by("household__number", "id")
    )
    for p in qs.iterator(chunk_size=2000):
        yield [
            p.household.number if p.household_id else "",
            p.full_name,
            p.date_of_birth.strftime("%d/%m/%Y"),
            "Nam" if p.sex == "M" else "Nữ",
            (p.identity_number or "") if full else p.masked_identity_number,
            p.ethnicity,
            str(rel.get(p.relationship, "")),
            p.household.village.name if p.household_id else "",
            p.phone if full else mask_phone(p.phone),
            str(res.get(p.residence_status, "")),
            p.household.address if p.household_id else "",
        ]
