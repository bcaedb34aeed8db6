from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _open_incoming(commune) -> str:
    from django.utils import timezone

    from xaso.documents.models import OPEN_INCOMING, Direction, Document

    qs = Document.objects.filter(
        commune=commune, direction=Direction.INCOMING, status__in=list(OPEN_INCOMING)
    )
    late = qs.filter(deadline__lt=timezone.now()).count()
    return _("%(open)s (quá hạn: %(late)s)") % {"open": qs.count(), "late": late}


def _electronic_share(commune) -> str:
    from xaso.documents.selectors import stats

    share = stats(commune)["processed_electronically_share"]
    return "—" if share is None else f"{share:g} %"


def _signed_share(commune) -> str:
    from xaso.documents.selectors import stats

    share = stats(commune)["signed_electronically_share"]
    return "—" if share is None else f"{share:g} %"


class DocumentsConfig(AppConfig):
    name = "xaso.documents"
    label = "documents"
    verbose_name = _("Văn bản đến, văn bản đi")

    def ready(self) -> None:
        from xaso.core.registry import Indicator, MenuItem, Seeder, registry
        from xaso.documents import permissions  # noqa: F401

        registry.register_menu(
            MenuItem(
                "documents",
                _("Văn bản"),
                "documents:dashboard",
                area="office",
                action="documents.view",
                order=20,
            )
        )
        registry.register_indicator(
            Indicator("documents-open", _("Văn bản đến đang xử lý"), _open_incoming, order=20)
        )
        registry.register_indicator(
            Indicator(
                "documents-electronic",
                _("Văn bản xử lý trên môi trường mạng"),
                _electronic_share,
                order=21,
            )
        )
        registry.register_indicator(
            Indicator("documents-signed", _("Văn bản đi ký số"), _signed_share, order=22)
        )

        def seed_documents(*, now):
            from xaso.documents.demo import seed

            return seed(now=now)

        registry.register_seeder(Seeder("documents", seed_documents, order=90))
