import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from xaso.core.registry import registry
from xaso.geo.services import load_units


def parse_now(value: str) -> dt.datetime:
    """An ISO 8601 moment; without an offset it is the commune's time (Vietnam), a date
    alone is 09:00 that day."""
    text = (value or "").strip()
    try:
        moment = parse_datetime(text)
        if moment is None and parse_date(text) is not None:
            moment = dt.datetime.combine(parse_date(text), dt.time(9, 0))
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(
            f"--now: không phải thời điểm ISO 8601 (ví dụ 2027-02-05T09:00+07:00): {value!r}"
        )
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


class Command(BaseCommand):
    help = (
        "Tạo dữ liệu minh họa cho một xã có thật (chạy lại nhiều lần vẫn an toàn), "
        "dựng quanh một thời điểm tham chiếu (--now, mặc định là bây giờ)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--now",
            type=parse_now,
            default=None,
            help="Thời điểm tham chiếu ISO 8601, ví dụ 2027-02-05T09:00+07:00 (mặc định: bây giờ).",
        )

    def handle(self, *args, **options):
        # One reference moment for every seeder: the demo is built around it in working
        # days, so the same states exist whatever day the command is run.
        now = options.get("now") or timezone.now()
        load_units()
        results = {}
        for seeder in registry.ordered("seeders"):
            results[seeder.key] = seeder.run(now=now)
            self.stdout.write(f"  ✓ {seeder.key}")
        foundation = results.get("foundation") or {}
        commune = foundation.get("commune")
        if commune is None:
            return
        from xaso.accounts.demo import DEMO_PASSWORD

        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Xã minh họa: {commune.name}, {commune.province.name}")
        )
        self.stdout.write(f"  {settings.SITE_URL}{commune.get_absolute_url()}")
        self.stdout.write(
            f"Cán bộ (mật khẩu chung: {DEMO_PASSWORD}) — {settings.SITE_URL}/dang-nhap/"
        )
        for username, role, where in foundation["logins"]:
            self.stdout.write(f"  {username:<22} {role}{' — ' + where if where else ''}")
        self.stdout.write(
            f"Công dân (đăng nhập bằng số điện thoại, mã in ra màn hình này): "
            f"{', '.join(foundation['citizens'])} — {settings.SITE_URL}/dang-nhap/dien-thoai/"
        )
