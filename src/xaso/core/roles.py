from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    CITIZEN = "citizen", pgettext_lazy("role", "Công dân")
    ONE_STOP_OFFICER = "one_stop_officer", _("Cán bộ một cửa")
    SPECIALIST = "specialist", _("Chuyên viên")
    CLERK = "clerk", _("Văn thư")
    LEADER = "leader", _("Lãnh đạo UBND (Chủ tịch, Phó Chủ tịch)")
    COMMUNE_ADMIN = "commune_admin", _("Quản trị xã")
    PROVINCE_DX = "province_dx", _("Cán bộ chuyển đổi số tỉnh")
    SELLER = "seller", _("Người bán (HTX, hộ kinh doanh)")


#: Roles held by people who work for the commune.
OFFICIAL_ROLES = frozenset(
    {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.CLERK, Role.LEADER, Role.COMMUNE_ADMIN}
)
#: Roles held in a province rather than a commune.
PROVINCE_ROLES = frozenset({Role.PROVINCE_DX})
