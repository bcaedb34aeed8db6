from django.contrib import admin

from xaso.geo.models import Commune, CommuneProfile, LegacyName, Province


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type"]
    search_fields = ["name", "name_folded"]


@admin.register(Commune)
class CommuneAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "division_type", "province"]
    list_filter = ["division_type", "province"]
    search_fields = ["name", "name_folded", "=code"]


@admin.register(LegacyName)
class LegacyNameAdmin(admin.ModelAdmin):
    list_display = ["name", "context", "commune", "province", "source"]
    search_fields = ["name", "name_folded"]
    autocomplete_fields = ["commune", "province"]


@admin.register(CommuneProfile)
class CommuneProfileAdmin(admin.ModelAdmin):
    list_display = ["commune", "phone", "email", "agency_code"]
    search_fields = ["commune__name"]
    autocomplete_fields = ["commune"]
