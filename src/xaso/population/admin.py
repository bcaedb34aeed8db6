from django.contrib import admin

from xaso.population.models import Household, ImportJob, Person, PersonChange, Village


@admin.register(Village)
class VillageAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "commune")
    search_fields = ("name_folded",)
    list_select_related = ("commune",)


@admin.register(Household)
class HouseholdAdmin(admin.ModelAdmin):
    list_display = ("number", "village", "commune", "active")
    search_fields = ("number",)
    raw_id_fields = ("head", "village", "commune")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Persons change through the registry's services (history, audit), not here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "date_of_birth", "commune", "household")
    search_fields = ("full_name_folded",)
    exclude = ("identity_number", "phone", "email")


@admin.register(PersonChange)
class PersonChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "event", "field", "actor_label")


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "filename", "commune", "status", "rows_total")
