"""Back-office pages of the documents domain; every write goes through services."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.http import client_ip
from xaso.core.problems import Problem, in_both
from xaso.core.text import scrub
from xaso.core.views import office_view
from xaso.documents import selectors, services
from xaso.documents.forms import AssignForm, DraftForm, EmailImportForm, IncomingForm, split_list
from xaso.documents.models import (
    Direction,
    DocType,
    Document,
    DocumentFile,
    FileKind,
    Status,
)

MAX_ID = 2**62


def _message(exc) -> str:
    if isinstance(exc, Problem):
        return in_both(exc.message, exc.params)[0]
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(exc)


def _date(raw) -> dt.date | None:
    try:
        return dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def _filters(request) -> dict:
    get = request.GET
    year = get.get("year", "")
    return {
        "status": get.get("status", "")[:20],
        "q": get.get("q", "")[:100].strip(),
        "doc_type": get.get("doc_type", "")[:8],
        "year": int(year) if year.isdigit() and 2000 <= int(year) <= 2100 else None,
        "start": _date(get.get("from", "")),
        "end": _date(get.get("to", "")),
        "overdue": get.get("overdue") == "1",
        "mine": request.user if get.get("mine") == "1" else None,
    }


def _query(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


def _may(user, commune) -> dict:
    return {
        name: permissions.has_perm(user, f"documents.{name}", commune)
        for name in ("register", "assign", "handle", "draft", "approve", "sign", "issue")
    }


@office_view("documents.view")
def dashboard(request, commune):
    tasks = selectors.my_tasks(request.user, commune)
    labels = {
        "assign": _("Văn bản đến chờ giao xử lý"),
        "approve": _("Dự thảo chờ duyệt"),
        "sign": _("Văn bản chờ ký số"),
        "number": _("Văn bản đã duyệt chờ cấp số"),
        "issue": _("Văn bản chờ phát hành"),
        "handle": _("Văn bản giao cho tôi xử lý"),
        "revise": _("Dự thảo của tôi (đang soạn, bị trả lại)"),
    }
    groups = [(labels[k], docs) for k, v in tasks.items() if (docs := list(v[:20]))]
    figures = selectors.stats(commune, dt.date(timezone.localdate().year, 1, 1), None)
    return render(
        request,
        "documents/dashboard.html",
        {
            "commune": commune,
            "groups": groups,
            "may": _may(request.user, commune),
            "figures": figures,
        },
    )


def _register_page(request, commune, direction: str):
    filters = _filters(request)
    qs = selectors.filter_documents(selectors.visible(request.user, commune), **filters)
    if direction == Direction.INCOMING:
        rows_qs = selectors.incoming(qs)
        columns = selectors.INCOMING_COLUMNS
        template = "documents/incoming_list.html"
    else:
        rows_qs = selectors.outgoing(qs)
        columns = selectors.OUTGOING_COLUMNS
        template = "documents/outgoing_list.html"
    page = Paginator(rows_qs, 30).get_page(request.GET.get("page"))
    return render(
        request,
        template,
        {
            "commune": commune,
            "page": page,
            "query": _query(request),
            "columns": columns,
            "filters": request.GET,
            "statuses": [
                s for s in Status if (s in _INCOMING) == (direction == Direction.INCOMING)
            ],
            "types": DocType.choices,
            "may": _may(request.user, commune),
        },
    )


_INCOMING = {Status.REGISTERED, Status.ASSIGNED, Status.HANDLED}


@office_view("documents.view")
def incoming_list(request, commune):
    return _register_page(request, commune, Direction.INCOMING)


@office_view("documents.view")
def outgoing_list(request, commune):
    return _register_page(request, commune, Direction.OUTGOING)


# The two registers of Decree 30: title, columns, rows and file name per direction.
_REGISTERS = {
    Direction.INCOMING: (
        gettext_lazy("Sổ đăng ký văn bản đến"),
        selectors.INCOMING_COLUMNS,
        selectors.incoming_register,
        "so-van-ban-den",
    ),
    Direction.OUTGOING: (
        gettext_lazy("Sổ đăng ký văn bản đi"),
        selectors.OUTGOING_COLUMNS,
        selectors.outgoing_register,
        "so-van-ban-di",
    ),
}


def _register(request, commune, direction: str):
    """The register of a year on screen, or exported (``?format=xlsx|pdf``)."""
    filters = _filters(request)
    if filters["year"] is None:
        filters["year"] = timezone.localdate().year
    year = filters["year"]
    qs = selectors.filter_documents(selectors.visible(request.user, commune), **filters)
    title, columns, build_rows, slug = _REGISTERS[direction]
    rows = build_rows(qs)
    fmt = request.GET.get("format")
    if fmt not in ("xlsx", "pdf"):
        return render(
            request,
            "documents/register.html",
            {
                "commune": commune,
                "title": title,
                "columns": columns,
                "rows": rows,
                "year": year,
                "export": "?" + _query(request) + ("&" if request.GET else "") + "format=",
            },
        )
    audit.record(
        request.user,
        f"documents.export.{direction}",
        commune=commune,
        ip=client_ip(request),
        detail={"format": fmt, "year": year, "rows": len(rows)},
    )
    name = f"{slug}-{commune.code_str}-{year}"
    if fmt == "pdf":
        from weasyprint import HTML

        html = render_to_string(
            "documents/pdf/register.html",
            {
                "title": title,
                "issuer": f"UBND {commune.name}",
                "year": year,
                "columns": columns,
                "rows": rows,
            },
        )
        response = HttpResponse(
            HTML(string=scrub(html)).write_pdf(), content_type="application/pdf"
        )
    else:
        response = HttpResponse(
            selectors.xlsx(f"{title} {year}", columns, rows),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


@office_view("documents.view")
def incoming_register(request, commune):
    return _register(request, commune, Direction.INCOMING)


@office_view("documents.view")
def outgoing_register(request, commune):
    return _register(request, commune, Direction.OUTGOING)


@office_view("documents.register")
def incoming_new(request, commune):
    form = IncomingForm(prefix="doc")
    mail_form = EmailImportForm(prefix="mail")
    if request.method == "POST":
        try:
            if request.POST.get("action") == "email":
                mail_form = EmailImportForm(request.POST, request.FILES, prefix="mail")
                if mail_form.is_valid():
                    upload = mail_form.cleaned_data["eml"]
                    raw = upload.read() if upload else mail_form.cleaned_data["raw"].encode()
                    doc = services.import_email(request.user, commune, raw, ip=client_ip(request))
                    messages.success(
                        request, _("Đã vào sổ văn bản đến số %(n)s.") % {"n": doc.arrival_number}
                    )
                    return redirect("documents:detail", commune.code_str, doc.pk)
            else:
                form = IncomingForm(request.POST, request.FILES, prefix="doc")
                if form.is_valid():
                    data = dict(form.cleaned_data)
                    upload = data.pop("file")
                    doc = services.register_incoming(
                        request.user,
                        commune,
                        pdf=upload.read(services.MAX_PDF_BYTES + 1),
                        filename=upload.name,
                        ip=client_ip(request),
                        **data,
                    )
                    messages.success(
                        request, _("Đã vào sổ văn bản đến số %(n)s.") % {"n": doc.arrival_number}
                    )
                    return redirect("documents:detail", commune.code_str, doc.pk)
        except (ValidationError, Problem) as exc:
            messages.error(request, _message(exc))
    return render(
        request,
        "documents/incoming_new.html",
        {"commune": commune, "form": form, "mail_form": mail_form},
    )


@office_view("documents.draft")
def outgoing_new(request, commune):
    reply_to = None
    raw_reply = request.GET.get("tra-loi") or request.POST.get("reply_to") or ""
    if raw_reply.isdigit() and 0 < int(raw_reply) < MAX_ID:
        reply_to = (
            selectors.visible(request.user, commune)
            .filter(pk=int(raw_reply), direction=Direction.INCOMING)
            .first()
        )
    initial = {"signer_prefix": "TM.", "copies": 1, "drafting_unit": "VP", "archive_unit": "VP"}
    if reply_to is not None:
        initial.update(
            {
                "summary": (
                    f"trả lời {reply_to.get_doc_type_display()} số {reply_to.symbol}"
                    if reply_to.symbol
                    else f"trả lời {reply_to.summary}"
                )[:2000],
                "addressees": reply_to.author,
                "reply_to": reply_to.pk,
                "recipients_text": "Như trên;",
            }
        )
        if reply_to.source_document_id:
            initial["recipient_communes"] = str(reply_to.source_document.commune.code_str)
    form = DraftForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        data.pop("reply_to", None)
        data["recipient_communes"] = split_list(data["recipient_communes"])
        data["recipient_emails"] = split_list(data["recipient_emails"])
        try:
            doc = services.create_draft(
                request.user,
                commune,
                pdf=upload.read(services.MAX_PDF_BYTES + 1) if upload else None,
                filename=upload.name if upload else "",
                reply_to=reply_to,
                ip=client_ip(request),
                **data,
            )
        except (ValidationError, Problem) as exc:
            form.add_error(None, _message(exc))
        else:
            messages.success(request, _("Đã lưu dự thảo."))
            return redirect("documents:detail", commune.code_str, doc.pk)
    return render(
        request,
        "documents/outgoing_new.html",
        {"commune": commune, "form": form, "reply_to": reply_to},
    )


def _load(request, commune, document_id) -> Document:
    if not 0 < document_id < MAX_ID:
        raise Http404
    doc = (
        Document.objects.filter(commune=commune, pk=document_id)
        .select_related(
            "commune", "assignee", "reply", "source_document", "approved_by", "created_by"
        )
        .first()
    )
    if doc is None or not services.may_see(request.user, doc):
        raise Http404
    return doc


def _act(request, doc: Document) -> str:
    user, post, ip = request.user, request.POST, client_ip(request)
    action = post.get("action", "")
    if action == "assign":
        form = AssignForm(post, handlers=services.handlers(doc.commune))
        if not form.is_valid():
            raise ValidationError(" ".join(" ".join(e) for e in form.errors.values()))
        data = form.cleaned_data
        services.assign(
            user,
            doc,
            assignee=data["assignee"],
            unit=data["unit"],
            deadline=data["deadline"],
            instructions=data["instructions"],
            ip=ip,
        )
        return _("Đã giao xử lý.")
    if action == "outcome":
        services.record_outcome(
            user,
            doc,
            outcome=post.get("outcome", ""),
            reply=doc.reply if post.get("link_reply") == "1" else None,
            ip=ip,
        )
        return _("Đã ghi kết quả xử lý.")
    if action == "revise":
        upload = request.FILES.get("file")
        services.revise_draft(
            user,
            doc,
            pdf=upload.read(services.MAX_PDF_BYTES + 1) if upload else None,
            filename=upload.name if upload else "",
            note=post.get("note", ""),
            **({"body": post["body"]} if "body" in post else {}),
            ip=ip,
        )
        return _("Đã lưu phiên bản mới.")
    if action == "submit":
        services.submit(user, doc, note=post.get("note", ""), ip=ip)
        return _("Đã trình lãnh đạo duyệt.")
    if action in ("approve", "return"):
        services.review(user, doc, decision=action, comment=post.get("comment", ""), ip=ip)
        return _("Đã duyệt.") if action == "approve" else _("Đã trả lại dự thảo.")
    if action == "number":
        doc = services.number(user, doc, ip=ip)
        return _("Đã cấp số %(symbol)s.") % {"symbol": doc.symbol}
    if action == "sign":
        services.sign(user, doc, secret=post.get("secret", ""), ip=ip)
        return _("Đã ký số văn bản.")
    if action == "issue":
        services.issue(user, doc, secret=post.get("secret", ""), ip=ip)
        return _("Đã phát hành văn bản.")
    raise ValidationError(_("Thao tác không hợp lệ."))


@office_view("documents.view")
def detail(request, commune, document_id):
    doc = _load(request, commune, document_id)
    if request.method == "POST":
        try:
            messages.success(request, _act(request, doc))
        except (ValidationError, Problem) as exc:
            messages.error(request, _message(exc))
        return redirect("documents:detail", commune.code_str, doc.pk)
    audit.record_read(request.user, doc, ip=client_ip(request))
    may = _may(request.user, commune)
    user = request.user
    return render(
        request,
        "documents/detail.html",
        {
            "commune": commune,
            "doc": doc,
            "files": doc.files.defer("content").order_by("version"),
            "events": doc.events.select_related("actor"),
            "may": may,
            "can": {
                "assign": may["assign"] and doc.may("assign"),
                "outcome": doc.may("handle")
                and may["handle"]
                and (doc.assignee_id == user.pk or may["assign"]),
                "revise": may["draft"] and doc.may("revise"),
                "submit": may["draft"] and doc.may("submit"),
                "review": may["approve"] and doc.may("approve"),
                "number": may["issue"] and doc.may("number"),
                "sign": may["sign"] and doc.may("sign"),
                "issue": may["issue"] and doc.may("issue"),
                "reply": may["draft"] and doc.direction == Direction.INCOMING and doc.may("handle"),
            },
            "assign_form": AssignForm(handlers=services.handlers(commune)),
            "personal_credentials": services.personal_credentials(user, commune),
            "organisation_credentials": services.organisation_credentials(commune),
            "Status": Status,
            "FileKind": FileKind,
        },
    )


@office_view("documents.view")
def document_file(request, commune, document_id, file_id=None):
    doc = _load(request, commune, document_id)
    if file_id is None:
        current = doc.current_file()
    else:
        current = (
            DocumentFile.objects.filter(document=doc, pk=file_id).first()
            if file_id < MAX_ID
            else None
        )
    if current is None:
        raise Http404
    audit.record_read(request.user, doc, ip=client_ip(request), detail={"file": current.pk})
    response = HttpResponse(bytes(current.content), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{current.name}"'
    return response
