from __future__ import annotations

import csv
import tempfile

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xaso.audit import services as audit
from xaso.audit.selectors import events_about
from xaso.core import permissions
from xaso.core.http import client_ip
from xaso.core.problems import Problem
from xaso.core.tenancy import get_owned_or_404
from xaso.core.text import scrub
from xaso.core.views import office_view
from xaso.population import importer, selectors, services
from xaso.population.api import history_rows
from xaso.population.forms import DeathForm, ImportForm, MoveOutForm, SearchForm, VillageForm
from xaso.population.models import Household, ImportJob, Person, Village


def _ctx(request, commune, **extra) -> dict:
    return {
        "commune": commune,
        "can_edit": permissions.has_perm(request.user, "population.edit", commune),
        "can_import": permissions.has_perm(request.user, "population.import", commune),
        "full": permissions.has_perm(request.user, "population.view_identity_number", commune),
        **extra,
    }


def _errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


@office_view("population.view")
def index(request, commune):
    form = SearchForm(request.GET or None)
    page = None
    q = household = ""
    if form.is_valid():
        q, household = form.cleaned_data["q"], form.cleaned_data["household"]
    if q.strip() or household.strip():
        qs = selectors.search_persons(commune, q, household=household, actor=request.user)
        page = Paginator(qs, 30).get_page(request.GET.get("page"))
        audit.record(
            request.user,
            "population.persons.search",
            None,
            commune=commune,
            ip=client_ip(request),
            personal_data=True,
            detail={"q": q, "household": household, "page": page.number},
        )
    context = _ctx(
        request,
        commune,
        form=form,
        page=page,
        q=q,
        household=household,
        total=selectors.population_count(commune),
    )
    if request.headers.get("HX-Request"):
        return render(request, "population/_results.html", context)
    return render(request, "population/index.html", context)


@office_view("population.view")
def person(request, commune, person_id):
    p = get_owned_or_404(
        Person.objects.filter(commune=commune).select_related(
            "household", "household__village", "household__head"
        ),
        request.user,
        "population.view",
        pk=person_id,
    )
    ctx = _ctx(request, commune)
    death_form = DeathForm(prefix="death")
    move_form = MoveOutForm(prefix="move")
    if request.method == "POST":
        permissions.require(request.user, "population.edit", commune)
        action = request.POST.get("action")
        try:
            if action == "death":
                death_form = DeathForm(request.POST, prefix="death")
                if death_form.is_valid():
                    services.register_death(
                        request.user, p, ip=client_ip(request), **death_form.cleaned_data
                    )
                    messages.success(request, _("Đã ghi khai tử."))
                    return redirect("population:person", commune.code_str, p.pk)
            elif action == "move_out":
                move_form = MoveOutForm(request.POST, prefix="move")
                if move_form.is_valid():
                    services.move_out(
                        request.user, p, ip=client_ip(request), **move_form.cleaned_data
                    )
                    messages.success(request, _("Đã ghi chuyển đi."))
                    return redirect("population:person", commune.code_str, p.pk)
        except ValidationError as exc:
            _errors(death_form if action == "death" else move_form, exc)
    audit.record_read(
        request.user, p, ip=client_ip(request), detail={"full_identity_number": ctx["full"]}
    )
    ctx.update(
        person=p,
        history=history_rows(p, ctx["full"]),
        duplicates=selectors.possible_duplicates(p)[:5],
        death_form=death_form,
        move_form=move_form,
    )
    return render(request, "population/person.html", ctx, status=400 if request.POST else 200)


@office_view("population.view")
def household(request, commune, household_id):
    h = get_owned_or_404(
        Household.objects.filter(commune=commune).select_related("village", "head"),
        request.user,
        "population.view",
        pk=household_id,
    )
    audit.record_read(request.user, h, ip=client_ip(request))
    members = [
        m
        for m in h.members.order_by("date_of_birth").select_related("household__village")
        if m.is_resident
    ]
    return render(
        request, "population/household.html", _ctx(request, commune, household=h, members=members)
    )


@office_view("population.view")
def villages(request, commune):
    form = VillageForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "population.import", commune)
        if form.is_valid():
            try:
                services.create_village(
                    request.user, commune, ip=client_ip(request), **form.cleaned_data
                )
            except ValidationError as exc:
                _errors(form, exc)
            else:
                messages.success(request, _("Đã thêm thôn, tổ dân phố."))
                return redirect("population:villages", commune.code_str)
    stats = {row["village"]: row for row in selectors.population_stats(commune)["villages"]}
    rows = [
        {"village": v, "stats": stats.get(v.name)}
        for v in Village.objects.filter(commune=commune).order_by("name")
    ]
    return render(
        request,
        "population/villages.html",
        _ctx(request, commune, form=form, rows=rows),
        status=400 if form.errors else 200,
    )


@office_view("population.import")
def import_page(request, commune):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = importer.dry_run(
                request.user, commune, form.cleaned_data["file"], ip=client_ip(request)
            )
        except Problem as exc:
            form.add_error("file", str(exc.message))
        else:
            return redirect("population:import-job", commune.code_str, job.pk)
    jobs = ImportJob.objects.filter(commune=commune)[:10]
    return render(
        request,
        "population/import.html",
        _ctx(request, commune, form=form, jobs=jobs),
        status=400 if form.errors else 200,
    )


@office_view("population.import")
def import_job(request, commune, job_id):
    job = get_owned_or_404(
        ImportJob.objects.filter(commune=commune), request.user, "population.import", pk=job_id
    )
    if request.method == "POST":
        try:
            job = importer.commit(request.user, job, ip=client_ip(request))
        except Problem as exc:
            messages.error(request, str(exc.message))
        else:
            if job.status == ImportJob.Status.COMMITTED:
                messages.success(
                    request,
                    _("Đã ghi %(persons)s nhân khẩu, %(households)s hộ vào sổ dân cư.")
                    % {"persons": job.persons_created, "households": job.households_created},
                )
            else:
                messages.error(request, _("Chưa ghi: tệp còn lỗi, xem báo cáo bên dưới."))
        return redirect("population:import-job", commune.code_str, job.pk)
    return render(request, "population/import_job.html", _ctx(request, commune, job=job))


class _Echo:
    def write(self, value):
        return value


@office_view("population.import")
def export(request, commune):
    full = request.GET.get("full") == "1"
    rows = importer.export_rows(request.user, commune, full_ids=full, ip=client_ip(request))
    stem = f"dan-cu-{commune.code_str}"
    if request.GET.get("format") == "xlsx":
        import openpyxl

        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet("Dân cư")
        for row in rows:
            sheet.append(scrub(row))  # openpyxl refuses control characters
        out = tempfile.TemporaryFile()
        book.save(out)
        out.seek(0)
        return FileResponse(out, as_attachment=True, filename=f"{stem}.xlsx")
    writer = csv.writer(_Echo())

    def lines():
        yield "\ufeff"
        for row in rows:
            yield writer.writerow(scrub(row))

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{stem}.csv"'
    return response


@login_required
def my_household(request):
    me = selectors.person_for_user(request.user)
    members, accesses = [], []
    if me is not None:
        if me.household_id:
            members = [m for m in me.household.members.order_by("date_of_birth") if m.is_resident]
        accesses = events_about(me).filter(personal_data=True).exclude(actor=request.user)[:30]
    return render(
        request,
        "population/my_household.html",
        {"me": me, "members": members, "accesses": accesses},
    )
