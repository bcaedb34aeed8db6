from xaso.core.registry import registry


def platform(request):
    return {"public_menu": registry.menu_for("public"), "office_menu": registry.menu_for("office")}
