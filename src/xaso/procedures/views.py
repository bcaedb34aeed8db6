from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xaso.core.http import client_ip
from xaso.core.tenancy import get_commune_or_404
from xaso.core.views import office_view
from xaso.procedures import excel, formschema, selectors, services
from xaso.procedures.forms import ImportForm, ProcedureForm
from xaso.procedures.models import Procedure

PAGE_SIZE = 30


def _public(view):
    def wrapper(request, code, *args, **kwargs):
        commune = get_commune_or_404(code)
        if code != commune.code_str:
            return redirect(request.path.replace(f"/x/{code}/", f"/x/{commune.code_str}/", 1))
        return view(request, commune, *args, **kwargs)

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def apply_url(commune, procedure) -> str | None:
    """The one-stop shop's application page for ``procedure``, when it is installed."""
    if not procedure.active:
        return None
    try:
        return reverse(
            "dossiers:apply", kwargs={"code": commune.code_str, "procedure_code": procedure.code}
        )
    except NoReverseMatch:
        return None


# --- Public pages ---------------------------------------------------------------------


@_public
def catalog(request, commune):
    q = request.GET.get("q", "")[:100]
    field = request.GET.get("field", "")[:120]
    qs = selectors.catalog_for(commune, q=q, field=field or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "procedures/catalog.html",
        {
            "commune": commune,
            "page": page,
            "q": q,
            "field": field,
            "fields": selectors.fields_of(commune),
            "query": urlencode({"q": q, "field": field}),
        },
    )


@_public
def detail(request, commune, procedure_code: str):
    procedure = selectors.get_procedure(commune, procedure_code[:40])
    if procedure is None:
        raise Http404
    return render(
        request,
        "procedures/detail.html",
        {
            "commune": commune,
            "p": procedure,
            "apply_url": apply_url(commune, procedure),
            "total_step_days": sum(s.get("days", 0) for s in procedure.steps),
        },
    )


# --- Back office --------------------------------------------------------------------


@office_view("procedures.manage")
def office_list(request, commune):
    q = request.GET.get("q", "")[:100]
    state = request.GET.get("state", "")
    active = {"on": True, "off": False}.get(state)
    qs = selectors.admin_catalog(commune, q=q, active=active)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "procedures/office_list.html",
        {
            "commune": commune,
            "page": page,
            "q": q,
            "state": state,
            "query": urlencode({"q": q, "state": state}),
            "total": Procedure.objects.filter(commune=commune).count(),
        },
    )


def _form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for key, messages_ in exc.message_dict.items():
            form.add_error(key if key in form.fields else None, messages_)
    else:
        form.add_error(None, exc.messages)


def _edit(request, commune, procedure: Procedure | None):
    if request.method == "POST":
        form = ProcedureForm(request.POST)
        if form.is_valid():
            try:
                saved = services.save_procedure(
                    request.user,
                    commune,
                    form.cleaned_data,
                    procedure=procedure,
                    ip=client_ip(request),
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu thủ tục %(code)s.") % {"code": saved.code})
                return redirect("procedures:office", commune.code_str)
    elif procedure is not None:
        form = ProcedureForm(initial=services.as_data(procedure))
    else:
        form = ProcedureForm(
            initial={
                "deadline_days": 1,
                "fee": 0,
                "online_level": "toan_trinh",
                "active": True,
                "order": 100,
                "documents": [],
                "steps": [],
                "form_schema": {"fields": []},
            }
        )
    preview = None
    if procedure is not None and procedure.form_schema:
        # What a citizen will see, built by the same engine as the application page.
        preview = formschema.build_form(procedure.form_schema, prefix="preview")
    return render(
        request,
        "procedures/office_edit.html",
        {"commune": commune, "form": form, "procedure": procedure, "preview": preview},
    )


@office_view("procedures.manage")
def office_new(request, commune):
    return _edit(request, commune, None)


def _owned(commune, procedure_id: int) -> Procedure:
    if procedure_id >= 2**62:
        raise Http404
    procedure = Procedure.objects.filter(commune=commune, pk=procedure_id).first()
    if procedure is None:
        raise Http404
    return procedure


@office_view("procedures.manage")
def office_edit(request, commune, procedure_id: int):
    return _edit(request, commune, _owned(commune, procedure_id))


@office_view("procedures.manage")
@require_POST
def office_toggle(request, commune, procedure_id: int):
    procedure = _owned(commune, procedure_id)
    services.set_active(request.user, procedure, not procedure.active, ip=client_ip(request))
    if procedure.active:
        text = _("Đã áp dụng lại thủ tục %(code)s.")
    else:
        text = _("Đã ngừng áp dụng thủ tục %(code)s.")
    messages.success(request, text % {"code": procedure.code})
    return redirect("procedures:office", commune.code_str)


@office_view("procedures.manage")
@require_POST
def office_install(request, commune):
    result = services.install_catalog(commune, actor=request.user, ip=client_ip(request))
    messages.success(
        request,
        _("Đã thêm %(n)s thủ tục từ danh mục mẫu; giữ nguyên %(m)s thủ tục đã có.")
        % {"n": result["created"], "m": result["kept"]},
    )
    return redirect("procedures:office", commune.code_str)


@office_view("procedures.manage")
def office_export(request, commune):
    response = HttpResponse(excel.export_catalog(commune), content_type=excel.XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-{commune.code_str}.xlsx"'
    return response


@office_view("procedures.manage")
def office_import(request, commune):
    """Upload → dry run with a row-by-row report → commit the same file (carried in the
    page, so the administrator does not choose it twice; the commit checks it again)."""
    form = ImportForm()
    report = None
    content_b64 = ""
    if request.method == "POST":
        content: bytes | None = None
        if request.POST.get("content"):
            try:
                content = base64.b64decode(request.POST["content"], validate=True)
            except (binascii.Error, ValueError):
                messages.error(request, _("Tệp gửi lại bị hỏng, hãy chọn lại tệp."))
        else:
            form = ImportForm(request.POST, request.FILES)
            if form.is_valid():
                upload = form.cleaned_data["file"]
                if upload.size > excel.MAX_BYTES:
                    form.add_error("file", _("Tệp quá lớn (tối đa 5 MB)."))
                else:
                    content = upload.read()
        if content is not None:
            commit = request.POST.get("commit") == "1"
            report = excel.import_catalog(
                request.user, commune, content, dry_run=not commit, ip=client_ip(request)
            )
            if commit and report.ok:
                counts = report.counts()
                messages.success(
                    request,
                    _("Đã nhập danh mục: thêm %(c)s, cập nhật %(u)s, giữ nguyên %(k)s thủ tục.")
                    % {"c": counts["create"], "u": counts["update"], "k": counts["unchanged"]},
                )
                return redirect("procedures:office", commune.code_str)
            if report.ok:
                content_b64 = base64.b64encode(content).decode()
    return render(
        request,
        "procedures/office_import.html",
        {"commune": commune, "form": form, "report": report, "content": content_b64},
    )
