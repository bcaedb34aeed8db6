from django.contrib import admin

from xaso.documents.models import Counter, Document, DocumentEvent


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ("id", "commune", "direction", "doc_type", "symbol", "arrival_number", "status")
    list_filter = ("direction", "status", "doc_type")
    search_fields = ("summary", "symbol", "author")
    raw_id_fields = ("commune", "assignee", "approved_by", "created_by", "reply", "source_document")
    exclude = ("summary_folded",)


@admin.register(Counter)
class CounterAdmin(admin.ModelAdmin):
    list_display = ("commune", "year", "series", "value")
    raw_id_fields = ("commune",)


@admin.register(DocumentEvent)
class DocumentEventAdmin(admin.ModelAdmin):
    list_display = ("document", "kind", "from_state", "to_state", "at")
    raw_id_fields = ("document", "actor")
