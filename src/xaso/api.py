"""The platform API at /api/v1/: each domain contributes a router."""

from ninja import NinjaAPI

from xaso import __version__
from xaso.core.api import install_problem_handlers

api = NinjaAPI(
    title="Xã Số API",
    version=__version__,
    description=(
        "API của nền tảng Xã Số. Lỗi trả về theo RFC 9457 (application/problem+json) "
        "với thông điệp tiếng Việt (`detail`) và tiếng Anh (`detail_en`). "
        "Xác thực: phiên đăng nhập trình duyệt, hoặc `Authorization: Bearer <token>`. "
        "Ghi dữ liệu an toàn khi gửi lại với `Idempotency-Key`."
    ),
    urls_namespace="api",
    docs_url="/docs",
)
install_problem_handlers(api)


def _mount() -> None:
    from xaso.accounts.api import router as accounts_router
    from xaso.audit.api import router as audit_router
    from xaso.documents.api import router as documents_router
    from xaso.dossiers.api import router as dossiers_router
    from xaso.feedback.api import router as feedback_router
    from xaso.geo.api import router as geo_router
    from xaso.population.api import router as population_router
    from xaso.procedures.api import router as procedures_router
    from xaso.signatures.api import router as signatures_router
    from xaso.workdays.api import router as workdays_router

    api.add_router("/", geo_router)
    api.add_router("/calendar", workdays_router)
    api.add_router("/", accounts_router)
    api.add_router("/", audit_router)
    api.add_router("/", population_router)
    api.add_router("/", feedback_router)
    api.add_router("/", procedures_router)
    api.add_router("/", dossiers_router)
    api.add_router("/", signatures_router)
    api.add_router("/", documents_router)


_mount()
