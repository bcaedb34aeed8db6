from django.core.management.base import BaseCommand, CommandError

from xaso.core.tenancy import get_commune_or_404
from xaso.geo.models import Commune
from xaso.procedures.services import install_catalog


class Command(BaseCommand):
    help = (
        "Copy the shipped catalog of commune-level procedures into a commune's catalog "
        "(idempotent: procedures the commune already has are left as they are)."
    )

    def add_arguments(self, parser):
        parser.add_argument("commune", nargs="?", help="5-digit commune code")
        parser.add_argument("--all", action="store_true", help="every commune in the database")

    def handle(self, *args, commune=None, all=False, **options):
        if bool(commune) == bool(all):
            raise CommandError("give one commune code, or --all")
        if all:
            communes = Commune.objects.order_by("code").iterator()
        else:
            from django.http import Http404

            try:
                communes = [get_commune_or_404(commune)]
            except Http404:
                raise CommandError(f"unknown commune {commune!r}") from None
        total = 0
        for c in communes:
            result = install_catalog(c)
            total += result["created"]
            if not all or result["created"]:
                created, kept = result["created"], result["kept"]
                self.stdout.write(f"{c.code_str} {c.name}: +{created}, kept {kept}")
        self.stdout.write(self.style.SUCCESS(f"{total} procedures created"))
