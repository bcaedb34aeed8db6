from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.pagination import paginate

from xaso.core.api import Page, Text
from xaso.core.problems import Problem
from xaso.geo import selectors
from xaso.geo.models import Province

router = Router(tags=["Đơn vị hành chính"])


class ProvinceOut(Schema):
    code: str
    name: str
    division_type: str
    commune_count: int | None = None


class CommuneBrief(Schema):
    code: str
    name: str
    division_type: str
    province_code: str
    province_name: str
    url: str

    @staticmethod
    def resolve_code(obj) -> str:
        return obj["code"] if isinstance(obj, dict) else obj.code_str

    @staticmethod
    def resolve_province_code(obj) -> str:
        return obj["province_code"] if isinstance(obj, dict) else obj.province.code_str

    @staticmethod
    def resolve_province_name(obj) -> str:
        return obj["province_name"] if isinstance(obj, dict) else obj.province.name

    @staticmethod
    def resolve_url(obj) -> str:
        return obj["url"] if isinstance(obj, dict) else obj.get_absolute_url()


class LeaderOut(Schema):
    name: str
    title: str


class CommuneOut(CommuneBrief):
    legacy_names: list[str]
    address: str
    phone: str
    email: str
    website: str
    working_hours: str
    agency_code: str
    leaders: list[LeaderOut]


@router.get("/provinces", response=list[ProvinceOut], summary="Danh sách 34 tỉnh/thành phố")
@paginate(Page)
def list_provinces(request, q: Text = ""):
    from django.db.models import Count

    qs = selectors.search_provinces(q[:100]).annotate(n=Count("communes"))
    return [
        {"code": p.code_str, "name": p.name, "division_type": p.division_type, "commune_count": p.n}
        for p in qs
    ]


@router.get("/communes", response=list[CommuneBrief], summary="Tìm xã/phường (không dấu được)")
@paginate(Page)
def list_communes(request, province: str | None = None, q: Text = ""):
    prov = None
    if province is not None:
        number = selectors.parse_province_code(province)
        prov = Province.objects.filter(code=number).first() if number is not None else None
        if prov is None:
            raise Problem(
                404,
                _("Không có tỉnh/thành phố mã %(code)s."),
                params={"code": province[:10]},
                code="unknown-province",
            )
    return selectors.search_communes(q[:100], prov)


@router.get("/communes/{code}", response=CommuneOut, summary="Một xã/phường theo mã 5 chữ số")
def get_commune(request, code: str):
    from xaso.geo.selectors import commune_card

    card = commune_card(code)
    if card is None:
        raise Problem(
            404,
            _("Không có xã/phường mã %(code)s."),
            params={"code": code[:10]},
            code="unknown-commune",
        )
    return card
