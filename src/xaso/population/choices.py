"""Fixed lists of the registry: village kinds, relationships, residence, ethnic groups."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class VillageKind(models.TextChoices):
    THON = "thon", _("Thôn")
    XOM = "xom", _("Xóm")
    TO_DAN_PHO = "to_dan_pho", _("Tổ dân phố")
    BAN = "ban", _("Bản")
    AP = "ap", _("Ấp")


class Relationship(models.TextChoices):
    HEAD = "chu_ho", _("Chủ hộ")
    WIFE = "vo", _("Vợ")
    HUSBAND = "chong", _("Chồng")
    CHILD = "con", _("Con")
    FATHER = "cha", _("Cha")
    MOTHER = "me", _("Mẹ")
    GRANDFATHER = "ong", _("Ông")
    GRANDMOTHER = "ba", _("Bà")
    GRANDCHILD = "chau", _("Cháu")
    SIBLING = "anh_chi_em", _("Anh/chị/em")
    OTHER = "khac", _("Khác")


class Residence(models.TextChoices):
    PERMANENT = "thuong_tru", _("Thường trú")
    TEMPORARY = "tam_tru", _("Tạm trú")
    ABSENT = "tam_vang", _("Tạm vắng")


class Event(models.TextChoices):
    REGISTER = "register", _("Ghi vào sổ dân cư")
    BIRTH = "birth", _("Khai sinh")
    DEATH = "death", _("Khai tử")
    MOVE_IN = "move_in", _("Chuyển đến")
    MOVE_OUT = "move_out", _("Chuyển đi")
    SPLIT = "split", _("Tách hộ")
    MERGE = "merge", _("Nhập hộ")
    CHANGE_HEAD = "change_head", _("Thay đổi chủ hộ")
    CORRECTION = "correction", _("Điều chỉnh thông tin")
    IMPORT = "import", _("Nhập từ tệp")


#: Vietnam's 54 ethnic groups (Decision 121-TCTK/PPCĐ), in the official order.
ETHNIC_GROUPS = [
    "Kinh", "Tày", "Thái", "Mường", "Khmer", "Hoa", "Nùng", "Mông", "Dao", "Gia Rai",
    "Ngái", "Ê Đê", "Ba Na", "Xơ Đăng", "Sán Chay", "Cơ Ho", "Chăm", "Sán Dìu", "Hrê",
    "Mnông", "Ra Glai", "Xtiêng", "Bru - Vân Kiều", "Thổ", "Giáy", "Cơ Tu", "Gié Triêng",
    "Mạ", "Khơ Mú", "Co", "Tà Ôi", "Chơ Ro", "Kháng", "Xinh Mun", "Hà Nhì", "Chu Ru",
    "Lào", "La Chí", "La Ha", "Phù Lá", "La Hủ", "Lự", "Lô Lô", "Chứt", "Mảng", "Pà Thẻn",
    "Cơ Lao", "Cống", "Bố Y", "Si La", "Pu Péo", "Brâu", "Ơ Đu", "Rơ Măm",
]  # fmt: skip
ETHNICITY_CHOICES = [(name, name) for name in ETHNIC_GROUPS]

#: Age groups of the public statistics (years, inclusive bounds; None = no upper bound).
AGE_GROUPS = [
    ("0-5", 0, 5),
    ("6-14", 6, 14),
    ("15-17", 15, 17),
    ("18-59", 18, 59),
    ("60+", 60, None),
]
