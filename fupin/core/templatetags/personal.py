"""Personal data on pages, as core/personal.py lets the signed-in user see it (DESIGN §1).

    {% load personal %}
    {% protected person "id_number" %}          the ID number's mask for this user
    {% birth_date person as born %}             the birth date, or None for masked readers
"""

from django import template

from fupin.core import personal

register = template.Library()


def _user(context):
    request = context.get("request")
    return getattr(request, "user", None) or context.get("user")


@register.simple_tag(takes_context=True)
def protected(context, obj, field):
    if obj is None:
        return ""
    return personal.value_for(obj, field, _user(context))


@register.simple_tag(takes_context=True)
def birth_date(context, obj):
    if obj is None:
        return None
    return personal.birth_date_for(obj, _user(context))
