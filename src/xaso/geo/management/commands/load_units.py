from django.core.management.base import BaseCommand

from xaso.geo.services import load_units


class Command(BaseCommand):
    help = "Nạp 34 tỉnh/thành phố và 3.321 xã/phường/đặc khu (vietnam-provinces) cùng tên cũ."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Nạp lại kể cả khi đã có.")

    def handle(self, *args, force=False, **options):
        counts = load_units(force=force)
        self.stdout.write(
            f"{counts['provinces']} tỉnh/thành phố, {counts['communes']} xã/phường/đặc khu, "
            f"{counts['legacy']} tên cũ."
        )
