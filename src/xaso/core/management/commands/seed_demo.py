from django.conf import settings
from django.core.management.base import BaseCommand

from xaso.core.registry import registry
from xaso.geo.services import load_units


class Command(BaseCommand):
    help = "Tạo dữ liệu minh họa cho một xã có thật (chạy lại nhiều lần vẫn an toàn)."

    def handle(self, *args, **options):
        load_units()
        results = {}
        for seeder in registry.ordered("seeders"):
            results[seeder.key] = seeder.run()
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
