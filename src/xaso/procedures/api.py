from typing import Any, Literal

from django.http import Http404, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from xaso.core.api import Page, Text, commune_auth
from xaso.core.http import client_ip
from xaso.core.problems import Problem
from xaso.core.tenancy import commune_for, get_commune_or_404
from xaso.procedures import excel, formschema, selectors, services
from xaso.procedures.models import Procedure

router = Router(tags=["Thủ tục hành chính"])
MANAGE = commune_auth("procedures.manage")


class DocumentOut(Schema):
    name: str
    copies: int
    original: bool
    required: bool


class StepOut(Schema):
    name: str
    role: str
    days: float


class ProcedureBrief(Schema):
    code: str
    name: str
    field: str
    deadline_days: int
    fee: int
    online_level: Literal["toan_trinh", "mot_phan"]
    is_full_online: bool


class ProcedureOut(ProcedureBrief):
    fee_note: str
    documents: list[DocumentOut]
    online_reason: str
    steps: list[StepOut]
    result: str
    legal_basis: str
    form_schema: dict[str, Any]
    form_json_schema: dict[str, Any]


class ProcedureAdminOut(ProcedureOut):
    id: int
    active: bool
    order: int


class ProcedureIn(Schema):
    """Every editable field; the form schema, documents and steps as JSON values."""

    name: str
    field: str
    deadline_days: int
    fee: int = 0
    fee_note: str = ""
    documents: list[dict[str, Any]] = []
    form_schema: dict[str, Any] = {"fields": []}
    online_level: Literal["toan_trinh", "mot_phan"]
    online_reason: str = ""
    steps: list[dict[str, Any]] = []
    result: str = ""
    legal_basis: str = ""
    active: bool = True
    order: int = 100


class ProcedureCreate(ProcedureIn):
    code: str


class ImportRowOut(Schema):
    row: int
    code: str
    action: str
    errors: list[str]


class ImportOut(Schema):
    ok: bool
    dry_run: bool
    file_errors: list[str]
    counts: dict[str, int]
    rows: list[ImportRowOut]


def _out(procedure: Procedure, *, admin: bool = False) -> dict:
    data = {
        **services.as_data(procedure),
        "is_full_online": procedure.is_full_online,
        "form_json_schema": formschema.to_json_schema(procedure.form_schema, title=procedure.name),
    }
    if admin:
        data["id"] = procedure.pk
    return data


# --- Public catalog ---------------------------------------------------------------------


@router.get(
    "/communes/{code}/procedures",
    response=list[ProcedureBrief],
    summary="Danh mục thủ tục hành chính của xã (tìm không dấu, lọc theo lĩnh vực)",
)
@paginate(Page)
def catalog(request, code: str, q: Text = "", field: Text = ""):
    commune = get_commune_or_404(code)
    return selectors.catalog_for(commune, q=q[:100], field=field[:120] or None)


# Declared before "/procedures/{procedure_code}" so that the URL resolver does not take
# "import" for a procedure code.
@router.post(
    "/communes/{code}/procedures/import",
    response={200: ImportOut, 422: ImportOut},
    auth=MANAGE,
    summary="Nhập danh mục từ Excel (.xlsx): dry_run=true chỉ kiểm tra; false ghi tất cả/không",
)
def import_catalog(request, code: str, file: File[UploadedFile], dry_run: bool = Query(True)):
    commune = commune_for(request.user, code, "procedures.manage")
    if file.size and file.size > excel.MAX_BYTES:
        raise Problem(413, _("Tệp quá lớn (tối đa 5 MB)."))
    report = excel.import_catalog(
        request.user, commune, file.read(), dry_run=dry_run, ip=client_ip(request)
    )
    body = {**report.as_dict(), "dry_run": dry_run}
    return Status(200 if report.ok else 422, body)


@router.get(
    "/communes/{code}/procedures/{procedure_code}",
    response=ProcedureOut,
    summary="Một thủ tục: thành phần hồ sơ, thời hạn, lệ phí, các bước, mẫu đơn (JSON Schema)",
)
def procedure_detail(request, code: str, procedure_code: str):
    commune = get_commune_or_404(code)
    procedure = selectors.get_procedure(commune, procedure_code[:40])
    if procedure is None:
        raise Http404
    return _out(procedure)


# --- Administration -----------------------------------------------------------------------


@router.get(
    "/communes/{code}/procedures.xlsx",
    auth=MANAGE,
    summary="Xuất toàn bộ danh mục thủ tục của xã ra Excel (.xlsx)",
)
def export_catalog(request, code: str):
    commune = commune_for(request.user, code, "procedures.manage")
    response = HttpResponse(excel.export_catalog(commune), content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-{commune.code_str}.xlsx"'
    return response


@router.get(
    "/communes/{code}/procedure-catalog",
    response=list[ProcedureAdminOut],
    auth=MANAGE,
    summary="Danh mục để quản trị (cả thủ tục đã ngừng áp dụng)",
)
@paginate(Page)
def admin_catalog(request, code: str, q: Text = ""):
    commune = commune_for(request.user, code, "procedures.manage")
    return [_out(p, admin=True) for p in selectors.admin_catalog(commune, q=q[:100])]


@router.post(
    "/communes/{code}/procedure-catalog",
    response={201: ProcedureAdminOut},
    auth=MANAGE,
    summary="Thêm một thủ tục vào danh mục của xã",
)
def create_procedure(request, code: str, payload: ProcedureCreate):
    commune = commune_for(request.user, code, "procedures.manage")
    procedure = services.save_procedure(
        request.user, commune, payload.dict(), ip=client_ip(request)
    )
    return Status(201, _out(procedure, admin=True))


@router.put(
    "/communes/{code}/procedure-catalog/{procedure_code}",
    response=ProcedureAdminOut,
    auth=MANAGE,
    summary="Sửa một thủ tục (kiểm tra mẫu đơn, thành phần hồ sơ, các bước)",
)
def update_procedure(request, code: str, procedure_code: str, payload: ProcedureIn):
    commune = commune_for(request.user, code, "procedures.manage")
    procedure = selectors.get_procedure(commune, procedure_code[:40], active_only=False)
    if procedure is None:
        raise Http404
    procedure = services.save_procedure(
        request.user,
        commune,
        {**payload.dict(), "code": procedure.code},
        procedure=procedure,
        ip=client_ip(request),
    )
    return _out(procedure, admin=True)
