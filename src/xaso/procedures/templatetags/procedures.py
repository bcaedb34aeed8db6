from django import template
from django.utils.formats import get_format

register = template.Library()


@register.filter
def money(value) -> str:
    """12000 → "12.000" in Vietnamese (the locale's thousand separator), always grouped
    by three digits (Django's Vietnamese format does not group)."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return ""
    return f"{number:,}".replace(",", get_format("THOUSAND_SEPARATOR"))
