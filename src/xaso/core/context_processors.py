from django.utils.functional import SimpleLazyObject

from xaso.core.registry import registry


def platform(request):
    context = {
        "public_menu": registry.menu_for("public"),
        "office_menu": registry.menu_for("office"),
        "account_menu": registry.menu_for("account"),
    }
    commune = getattr(request, "commune", None)
    if commune is not None:
        # Back-office pages (set by core.views.office_view): the entries this official may use.
        from xaso.core.views import office_menu

        context["menu"] = SimpleLazyObject(lambda: office_menu(request.user, commune))
    return context
