from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from xaso.accounts.models import CitizenProfile
from xaso.accounts.selectors import officials_of
from xaso.audit import services as audit
from xaso.core import permissions
from xaso.core.http import client_ip
from xaso.core.registry import registry
from xaso.core.tenancy import get_owned_or_404
from xaso.core.text import fold
from xaso.core.views import office_view
from xaso.geo import selectors
from xaso.geo.models import Commune, Province
from xaso.geo.services import update_profile
from xaso.portal.forms import CommuneProfileForm


def home(request):
    provinces = Province.objects.order_by("name")
    return render(request, "portal/home.html", {"provinces": provinces})


def commune_search(request):
    q = request.GET.get("q", "")[:100]
    province = None
    if request.GET.get("province"):
        number = selectors.parse_province_code(request.GET["province"])
        province = Province.objects.filter(code=number).first() if number is not None else None
    results = list(selectors.search_communes(q, province)[:30]) if fold(q) else []
    for commune in results:
        commune.legacy_line = selectors.legacy_line(commune)
    template = (
        "portal/_commune_results.html"
        if request.headers.get("HX-Request")
        else "portal/search.html"
    )
    return render(request, template, {"results": results, "q": q, "province": province})


def province(request, code):
    number = selectors.parse_province_code(code)
    prov = Province.objects.filter(code=number).first() if number is not None else None
    if prov is None:
        raise Http404
    communes = Commune.objects.filter(province=prov).order_by("name")
    return render(request, "portal/province.html", {"province": prov, "communes": communes})


#: How long an anonymous visitor's copy of a commune home page is reused. Changes to
#: the commune's card drop it at once, and so does a domain whose section changed
#: (``geo.selectors.forget_commune_pages``); other workers see it within the memo's
#: few seconds.
COMMUNE_PAGE_SECONDS = 30


def _cacheable(request) -> bool:
    return (
        request.method == "GET"
        and not request.user.is_authenticated
        and not request.GET
        and "messages" not in request.COOKIES
    )


def commune(request, code):
    from django.core.cache import cache
    from django.http import HttpResponse

    from xaso.core.cache import memo

    number = selectors.parse_commune_code(code)
    key = f"portal:commune-page:{number}:{request.LANGUAGE_CODE}"
    cacheable = number is not None and code == f"{number:05d}" and _cacheable(request)
    if cacheable:
        html = memo.get(key) or cache.get(key)
        if html is not None:
            memo.set(key, html)
            return HttpResponse(html)
    card = selectors.commune_card(code)
    if card is None:
        raise Http404
    if code != card["code"]:
        return redirect("portal:commune", card["code"])
    sections = [
        {"section": s, "context": {**s.context(card), "card": card}}
        for s in registry.ordered("sections")
    ]
    response = render(request, "portal/commune.html", {"card": card, "sections": sections})
    if cacheable and not response.cookies:
        html = response.content.decode()
        cache.set(key, html, timeout=COMMUNE_PAGE_SECONDS)
        memo.set(key, html)
    return response


@office_view("office.enter")
def office(request, commune):
    profile = getattr(commune, "profile", None)
    can_edit = permissions.has_perm(request.user, "geo.edit_profile", commune)
    form = CommuneProfileForm(instance=profile)
    if request.method == "POST":
        if not can_edit:
            permissions.require(request.user, "geo.edit_profile", commune)
        form = CommuneProfileForm(request.POST, instance=profile)
        if form.is_valid():
            try:
                update_profile(request.user, commune, ip=client_ip(request), **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Đã lưu thông tin xã."))
                return redirect("portal:office", commune.code_str)
    indicators = [
        {"label": i.label, "value": i.compute(commune)}
        for i in registry.ordered("indicators")
        if i.compute is not None
    ]
    return render(
        request,
        "portal/office.html",
        {
            "commune": commune,
            "form": form,
            "can_edit": can_edit,
            "officials": officials_of(commune),
            "indicators": indicators,
        },
    )


@office_view("accounts.view_citizens")
def citizens(request, commune):
    q = request.GET.get("q", "")[:100]
    qs = CitizenProfile.objects.filter(commune=commune).order_by("full_name", "id")
    if fold(q):
        qs = qs.filter(full_name_folded__contains=fold(q))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    audit.record(
        request.user,
        "accounts.citizens.list",
        None,
        commune=commune,
        ip=client_ip(request),
        personal_data=True,
        detail={"q": q, "page": page.number},
    )
    return render(
        request,
        "portal/citizens.html",
        {
            "commune": commune,
            "page": page,
            "q": q,
        },
    )


@office_view("accounts.view_citizens")
def citizen(request, commune, profile_id):
    profile = get_owned_or_404(
        CitizenProfile.objects.filter(commune=commune).select_related("user"),
        request.user,
        "accounts.view_citizens",
        pk=profile_id,
    )
    full = permissions.has_perm(request.user, "accounts.view_identity_number", commune)
    audit.record_read(
        request.user, profile, ip=client_ip(request), detail={"full_identity_number": full}
    )
    return render(
        request,
        "portal/citizen.html",
        {
            "commune": commune,
            "profile": profile,
            "full": full,
        },
    )
