"""Population API: persons, households, villages, spreadsheet imports, life events,
public statistics. Identity numbers and phones are masked unless the role may see
them; every read of personal data is audited."""

import datetime as dt

from django.utils.translation import gettext_lazy as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from xaso.accounts.validators import mask_identity_number, mask_phone
from xaso.audit import services as audit
from xaso.audit.selectors import events_about
from xaso.core import permissions
from xaso.core.api import AUTH, Text, commune_auth
from xaso.core.http import client_ip
from xaso.core.problems import Problem
from xaso.core.tenancy import commune_for, get_commune_or_404, get_owned_or_404
from xaso.population import importer, selectors, services
from xaso.population.models import Household, ImportJob, Person, Village

router = Router(tags=["Dân cư"])


VIEW = commune_auth("population.view")
EDIT = commune_auth("population.edit")
IMPORT = commune_auth("population.import")


# --- Schemas ---------------------------------------------------------------------------


class PersonBrief(Schema):
    id: int
    full_name: str
    date_of_birth: dt.date
    sex: str
    identity_number: str | None
    identity_number_masked: bool
    household_id: int | None
    household_number: str | None
    village: str | None
    relationship: str
    residence_status: str
    alive: bool


class ChangeOut(Schema):
    at: dt.datetime
    actor: str
    event: str
    field: str
    old_value: str
    new_value: str
    note: str


class PersonOut(PersonBrief):
    ethnicity: str
    phone: str
    email: str
    residence_from: dt.date | None
    residence_until: dt.date | None
    date_of_death: dt.date | None
    moved_out_on: dt.date | None
    publish_in_village_directory: bool
    publish_phone: bool
    history: list[ChangeOut]


class PersonPage(Schema):
    items: list[PersonBrief]
    count: int
    page: int
    pages: int
    # True when there are more than ``count`` matches: refine the query.
    count_capped: bool


class HouseholdOut(Schema):
    id: int
    number: str
    village: str
    address: str
    active: bool
    head_id: int | None
    members: list[PersonBrief]


class VillageIn(Schema):
    name: Text = Field(max_length=120)
    kind: str


class VillageOut(Schema):
    id: int
    name: str
    kind: str


class ProblemRow(Schema):
    row: int
    column: str
    message: str


class NoteRow(Schema):
    row: int
    rows: int
    column: str
    message: str


class ImportJobOut(Schema):
    id: int
    filename: str
    status: str
    created_at: dt.datetime
    rows_total: int
    rows_with_errors: int
    error: str
    problems: list[ProblemRow]
    notes: list[NoteRow]
    committed_at: dt.datetime | None
    persons_created: int
    households_created: int


class PersonIn(Schema):
    full_name: Text = Field(max_length=150)
    date_of_birth: dt.date
    sex: str = Field(pattern="^[MF]$")
    identity_number: Text | None = Field(None, max_length=12)
    ethnicity: Text = Field("Kinh", max_length=40)
    phone: Text = Field("", max_length=20)
    email: Text = Field("", max_length=254)
    relationship: str = ""


class BirthIn(Schema):
    household_id: int
    full_name: Text = Field(max_length=150)
    date_of_birth: dt.date
    sex: str = Field(pattern="^[MF]$")
    identity_number: Text | None = Field(None, max_length=12)
    ethnicity: Text = Field("Kinh", max_length=40)
    relationship: str = "con"


class MoveInIn(Schema):
    person: PersonIn
    household_id: int | None = None
    new_household_number: Text = Field("", max_length=30)
    village_id: int | None = None
    address: Text = Field("", max_length=255)
    residence_status: str = "thuong_tru"
    date: dt.date | None = None


class DeathIn(Schema):
    date_of_death: dt.date


class MoveOutIn(Schema):
    date: dt.date | None = None
    destination: Text = Field("", max_length=200)


class ChangeHeadIn(Schema):
    person_id: int
    previous_head_relationship: str = "khac"


class SplitIn(Schema):
    member_ids: list[int] = Field(max_length=100)
    head_id: int
    new_number: Text = Field(max_length=30)
    village_id: int | None = None
    address: Text = Field("", max_length=255)


class MergeIn(Schema):
    into_household_id: int


class PersonPatch(Schema):
    full_name: Text | None = Field(None, max_length=150)
    date_of_birth: dt.date | None = None
    sex: str | None = Field(None, pattern="^[MF]$")
    identity_number: Text | None = Field(None, max_length=12)
    ethnicity: Text | None = Field(None, max_length=40)
    phone: Text | None = Field(None, max_length=20)
    email: Text | None = Field(None, max_length=254)
    relationship: str | None = None
    residence_status: str | None = None
    residence_from: dt.date | None = None
    residence_until: dt.date | None = None
    publish_in_village_directory: bool | None = None
    publish_phone: bool | None = None


class AgeGroupOut(Schema):
    group: str
    male: int
    female: int


class VillageStatsOut(Schema):
    village: str
    kind: str
    population: int
    male: int
    female: int
    households: int
    age_groups: list[AgeGroupOut]


class StatsOut(Schema):
    commune: str
    on: dt.date
    population: int
    households: int
    villages: list[VillageStatsOut]


class AccessOut(Schema):
    at: dt.datetime
    who: str


class MyHouseholdOut(Schema):
    person: PersonOut
    household: HouseholdOut | None
    accesses: list[AccessOut]


# --- Serialisers -------------------------------------------------------------------


def _brief(p: Person, full: bool) -> dict:
    hh = p.household if p.household_id else None
    return {
        "id": p.pk,
        "full_name": p.full_name,
        "date_of_birth": p.date_of_birth,
        "sex": p.sex,
        "identity_number": (p.identity_number if full else p.masked_identity_number) or None,
        "identity_number_masked": bool(p.identity_number) and not full,
        "household_id": p.household_id,
        "household_number": hh.number if hh else None,
        "village": hh.village.name if hh else None,
        "relationship": p.relationship,
        "residence_status": p.residence_status,
        "alive": p.alive,
    }


_MASKED_FIELDS = {"identity_number": mask_identity_number, "phone": mask_phone}


def history_rows(person: Person, full: bool) -> list[dict]:
    rows = []
    for c in person.changes.all()[:200]:
        mask = None if full else _MASKED_FIELDS.get(c.field)
        rows.append(
            {
                "at": c.at,
                "actor": c.actor_label,
                "event": c.event,
                "field": c.field,
                "old_value": mask(c.old_value) if mask else c.old_value,
                "new_value": mask(c.new_value) if mask else c.new_value,
                "note": c.note,
            }
        )
    return rows


def _detail(p: Person, full: bool) -> dict:
    return {
        **_brief(p, full),
        "ethnicity": p.ethnicity,
        "phone": p.phone if full else mask_phone(p.phone),
        "email": p.email,
        "residence_from": p.residence_from,
        "residence_until": p.residence_until,
        "date_of_death": p.date_of_death,
        "moved_out_on": p.moved_out_on,
        "publish_in_village_directory": p.publish_in_village_directory,
        "publish_phone": p.publish_phone,
        "history": history_rows(p, full),
    }


def _household(h: Household, full: bool) -> dict:
    members = h.members.select_related("household", "household__village").order_by(
        "-relationship", "date_of_birth"
    )
    return {
        "id": h.pk,
        "number": h.number,
        "village": h.village.name,
        "address": h.address,
        "active": h.active,
        "head_id": h.head_id,
        "members": [_brief(m, full) for m in members if m.is_resident],
    }


def _job(job: ImportJob) -> dict:
    return {
        "id": job.pk,
        "filename": job.filename,
        "status": job.status,
        "created_at": job.created_at,
        "rows_total": job.rows_total,
        "rows_with_errors": job.rows_with_errors,
        "error": job.error,
        "problems": job.report or [],
        "notes": job.notes or [],
        "committed_at": job.committed_at,
        "persons_created": job.persons_created,
        "households_created": job.households_created,
    }


def _full(request, commune) -> bool:
    return permissions.has_perm(request.user, "population.view_identity_number", commune)


def _person(request, commune, person_id: int, action: str = "population.view") -> Person:
    return get_owned_or_404(
        Person.objects.filter(commune=commune).select_related("household", "household__village"),
        request.user,
        action,
        pk=person_id,
    )


def _household_of(request, commune, household_id: int, action="population.view") -> Household:
    return get_owned_or_404(
        Household.objects.filter(commune=commune).select_related("village"),
        request.user,
        action,
        pk=household_id,
    )


def _village(commune, village_id: int | None) -> Village | None:
    if village_id is None:
        return None
    village = Village.objects.filter(commune=commune, pk=village_id).first()
    if village is None:
        raise Problem(422, _("Không có thôn, tổ dân phố này trong xã."))
    return village


def _read_person(request, commune, person: Person) -> dict:
    full = _full(request, commune)
    audit.record_read(
        request.user, person, ip=client_ip(request), detail={"full_identity_number": full}
    )
    return _detail(person, full)


# --- Persons ---------------------------------------------------------------------------


@router.get(
    "/communes/{code}/persons",
    response=PersonPage,
    auth=VIEW,
    summary="Tìm nhân khẩu (tên không dấu, số định danh, số điện thoại, số hộ)",
)
def search_persons(
    request,
    code: str,
    q: Text = "",
    household: Text = "",
    village_id: int | None = None,
    page: int = Query(1, ge=1, le=100_000),
    page_size: int = Query(50, ge=1, le=200),
):
    commune = commune_for(request.user, code, "population.view")
    qs = selectors.search_persons(
        commune,
        q[:100],
        household=household[:30],
        village=_village(commune, village_id),
        actor=request.user,
    )
    rows, count, capped = selectors.search_page(qs, offset=(page - 1) * page_size, limit=page_size)
    full = _full(request, commune)
    items = [_brief(p, full) for p in rows]
    audit.record(
        request.user,
        "population.persons.search",
        None,
        commune=commune,
        ip=client_ip(request),
        personal_data=True,
        detail={"q": q[:100], "household": household[:30], "results": count},
    )
    return {
        "items": items,
        "count": count,
        "page": page,
        "pages": max(1, -(-count // page_size)),
        "count_capped": capped,
    }


@router.get(
    "/communes/{code}/persons/{person_id}",
    response=PersonOut,
    auth=VIEW,
    summary="Một nhân khẩu và lịch sử thay đổi (mỗi lần xem được ghi nhật ký)",
)
def person_detail(request, code: str, person_id: int):
    commune = commune_for(request.user, code, "population.view")
    return _read_person(request, commune, _person(request, commune, person_id))


@router.patch(
    "/communes/{code}/persons/{person_id}",
    response=PersonOut,
    auth=EDIT,
    summary="Điều chỉnh thông tin nhân khẩu (giữ giá trị cũ trong lịch sử)",
)
def person_update(request, code: str, person_id: int, payload: PersonPatch):
    commune = commune_for(request.user, code, "population.edit")
    person = _person(request, commune, person_id, "population.edit")
    changes = payload.dict(exclude_unset=True)
    person = services.update_person(request.user, person, ip=client_ip(request), **changes)
    return _detail(person, _full(request, commune))


@router.post(
    "/communes/{code}/persons/{person_id}/death",
    response=PersonOut,
    auth=EDIT,
    summary="Khai tử",
)
def person_death(request, code: str, person_id: int, payload: DeathIn):
    commune = commune_for(request.user, code, "population.edit")
    person = services.register_death(
        request.user,
        _person(request, commune, person_id, "population.edit"),
        date_of_death=payload.date_of_death,
        ip=client_ip(request),
    )
    return _detail(person, _full(request, commune))


@router.post(
    "/communes/{code}/persons/{person_id}/move-out",
    response=PersonOut,
    auth=EDIT,
    summary="Chuyển đi khỏi xã",
)
def person_move_out(request, code: str, person_id: int, payload: MoveOutIn):
    commune = commune_for(request.user, code, "population.edit")
    person = services.move_out(
        request.user,
        _person(request, commune, person_id, "population.edit"),
        date=payload.date,
        destination=payload.destination,
        ip=client_ip(request),
    )
    return _detail(person, _full(request, commune))


@router.post(
    "/communes/{code}/births", response={201: PersonOut}, auth=EDIT, summary="Khai sinh vào một hộ"
)
def birth(request, code: str, payload: BirthIn):
    commune = commune_for(request.user, code, "population.edit")
    household = _household_of(request, commune, payload.household_id, "population.edit")
    data = payload.dict(exclude={"household_id"})
    person = services.register_birth(request.user, household, ip=client_ip(request), **data)
    return Status(201, _detail(person, _full(request, commune)))


@router.post(
    "/communes/{code}/move-ins",
    response={201: PersonOut},
    auth=EDIT,
    summary="Chuyển đến: vào một hộ có sẵn, hoặc lập hộ mới",
)
def move_in(request, code: str, payload: MoveInIn):
    commune = commune_for(request.user, code, "population.edit")
    household = (
        _household_of(request, commune, payload.household_id, "population.edit")
        if payload.household_id is not None
        else None
    )
    person_data = payload.person.dict()
    if not person_data.get("relationship"):
        person_data.pop("relationship")
    person = services.move_in(
        request.user,
        commune,
        person=person_data,
        household=household,
        new_household_number=payload.new_household_number,
        village=_village(commune, payload.village_id),
        address=payload.address,
        residence_status=payload.residence_status,
        date=payload.date,
        ip=client_ip(request),
    )
    return Status(201, _detail(person, _full(request, commune)))


# --- Households ------------------------------------------------------------------------


@router.get(
    "/communes/{code}/households/{household_id}",
    response=HouseholdOut,
    auth=VIEW,
    summary="Một hộ và các thành viên đang cư trú",
)
def household_detail(request, code: str, household_id: int):
    commune = commune_for(request.user, code, "population.view")
    household = _household_of(request, commune, household_id)
    full = _full(request, commune)
    audit.record_read(request.user, household, ip=client_ip(request))
    return _household(household, full)


@router.post(
    "/communes/{code}/households/{household_id}/head",
    response=HouseholdOut,
    auth=EDIT,
    summary="Thay đổi chủ hộ",
)
def household_change_head(request, code: str, household_id: int, payload: ChangeHeadIn):
    commune = commune_for(request.user, code, "population.edit")
    household = _household_of(request, commune, household_id, "population.edit")
    new_head = _person(request, commune, payload.person_id, "population.edit")
    household = services.change_head(
        request.user,
        household,
        new_head,
        previous_head_relationship=payload.previous_head_relationship,
        ip=client_ip(request),
    )
    return _household(household, _full(request, commune))


@router.post(
    "/communes/{code}/households/{household_id}/split",
    response={201: HouseholdOut},
    auth=EDIT,
    summary="Tách hộ: một số thành viên lập hộ mới",
)
def household_split(request, code: str, household_id: int, payload: SplitIn):
    commune = commune_for(request.user, code, "population.edit")
    household = _household_of(request, commune, household_id, "population.edit")
    members = list(Person.objects.filter(commune=commune, pk__in=payload.member_ids))
    head = _person(request, commune, payload.head_id, "population.edit")
    new = services.split_household(
        request.user,
        household,
        members=members,
        new_number=payload.new_number,
        head=head,
        village=_village(commune, payload.village_id),
        address=payload.address,
        ip=client_ip(request),
    )
    return Status(201, _household(new, _full(request, commune)))


@router.post(
    "/communes/{code}/households/{household_id}/merge",
    response=HouseholdOut,
    auth=EDIT,
    summary="Nhập hộ: mọi thành viên của hộ này vào một hộ khác",
)
def household_merge(request, code: str, household_id: int, payload: MergeIn):
    commune = commune_for(request.user, code, "population.edit")
    source = _household_of(request, commune, household_id, "population.edit")
    target = _household_of(request, commune, payload.into_household_id, "population.edit")
    target = services.merge_households(request.user, source, target, ip=client_ip(request))
    return _household(target, _full(request, commune))


# --- Villages --------------------------------------------------------------------------


@router.get(
    "/communes/{code}/villages",
    response=list[VillageOut],
    auth=VIEW,
    summary="Thôn, xóm, tổ dân phố của xã",
)
def villages(request, code: str):
    commune = commune_for(request.user, code, "population.view")
    return list(Village.objects.filter(commune=commune).order_by("name"))


@router.post(
    "/communes/{code}/villages",
    response={201: VillageOut},
    auth=IMPORT,
    summary="Thêm thôn, tổ dân phố",
)
def village_create(request, code: str, payload: VillageIn):
    commune = commune_for(request.user, code, "population.import")
    village = services.create_village(
        request.user, commune, name=payload.name, kind=payload.kind, ip=client_ip(request)
    )
    return Status(201, village)


# --- Imports ---------------------------------------------------------------------------


@router.post(
    "/communes/{code}/imports",
    response={201: ImportJobOut},
    auth=IMPORT,
    summary="Tải lên bảng tính dân cư (CSV, .xlsx) và kiểm tra từng dòng, chưa ghi",
)
def import_upload(request, code: str, file: File[UploadedFile]):
    commune = commune_for(request.user, code, "population.import")
    job = importer.dry_run(request.user, commune, file, ip=client_ip(request))
    return Status(201, _job(job))


@router.get(
    "/communes/{code}/imports/{job_id}",
    response=ImportJobOut,
    auth=IMPORT,
    summary="Báo cáo kiểm tra của một lần tải lên",
)
def import_report(request, code: str, job_id: int):
    commune = commune_for(request.user, code, "population.import")
    job = get_owned_or_404(
        ImportJob.objects.filter(commune=commune), request.user, "population.import", pk=job_id
    )
    return _job(job)


@router.post(
    "/communes/{code}/imports/{job_id}/commit",
    response=ImportJobOut,
    auth=IMPORT,
    summary="Ghi tệp đã kiểm tra vào sổ dân cư (tất cả hoặc không dòng nào)",
)
def import_commit(request, code: str, job_id: int):
    commune = commune_for(request.user, code, "population.import")
    job = get_owned_or_404(
        ImportJob.objects.filter(commune=commune), request.user, "population.import", pk=job_id
    )
    return _job(importer.commit(request.user, job, ip=client_ip(request)))


# --- Statistics and the citizen's own record ---------------------------------------------


@router.get(
    "/communes/{code}/population-stats",
    response=StatsOut,
    summary="Thống kê dân số theo thôn, nhóm tuổi, giới tính (số liệu tổng hợp)",
)
def population_stats(request, code: str):
    commune = get_commune_or_404(code)
    return selectors.population_stats(commune)


@router.get(
    "/me/household",
    response=MyHouseholdOut,
    auth=AUTH,
    summary="Hộ gia đình của tôi và ai đã xem hồ sơ của tôi",
)
def my_household(request):
    person = selectors.person_for_user(request.user)
    if person is None:
        raise Problem(404, _("Sổ dân cư của xã chưa có hồ sơ khớp với tài khoản của bạn."))
    household = None
    if person.household_id:
        household = _household(person.household, False)
        for member in household["members"]:
            if member["id"] == person.pk:
                member.update(_brief(person, True))
    accesses = [
        {"at": e.at, "who": e.actor_label}
        for e in events_about(person).filter(personal_data=True).exclude(actor=request.user)[:50]
    ]
    return {"person": _detail(person, True), "household": household, "accesses": accesses}
