"""Commune A's procedures for the tenant sweep (tests/core/test_tenant_isolation.py)."""

#: The public catalog, open to everyone by design (no personal data).
PUBLIC_PATHS = {
    "/communes/{code}/procedures",
    "/communes/{code}/procedures/{procedure_code}",
}
PUBLIC_PAGES = {
    "x/<str:code>/thu-tuc/",
    "x/<str:code>/thu-tuc/<str:procedure_code>/",
}


def samples(commune) -> dict[str, int]:
    from xaso.procedures.models import Procedure
    from xaso.procedures.services import install_catalog

    install_catalog(commune)
    return {"procedure_id": Procedure.objects.filter(commune=commune).first().pk}
