from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
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


class LegacyMatchOut(Schema):
    """The pre-July-2025 unit a search result was found by."""

    name: str = Field(description="Tên cũ, ví dụ “Xã Hà Sơn”")
    district: str = Field(description="Huyện cũ (rỗng với tên tỉnh cũ hoặc huyện đảo)")
    province: str = Field(description="Tỉnh cũ")
    old_code: str | None = Field(description="Mã cũ 5 chữ số, nếu có")
    main: bool = Field(
        description="Xã này là xã kế thừa chính; false: chỉ nhận một phần của đơn vị cũ"
    )
    label: str = Field(description="“Xã Hà Sơn, huyện Hà Trung, tỉnh Thanh Hóa”")
    text: str = Field(description="Dòng hiển thị: “Trước 7/2025: …”")


class CommuneHit(CommuneBrief):
    legacy_match: LegacyMatchOut | None = Field(
        None, description="Tên cũ (trước 7/2025) đã khớp với từ tìm, nếu có"
    )

    @staticmethod
    def resolve_legacy_match(obj) -> dict | None:
        return selectors.legacy_match(obj)


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


@router.get(
    "/communes",
    response=list[CommuneHit],
    summary="Tìm xã/phường (không dấu được, cả tên trước 7/2025)",
)
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
