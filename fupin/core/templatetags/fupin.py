from django import template
from django.template.loader import render_to_string

register = template.Library()


@register.simple_tag(takes_context=True)
def render_section(context, item):
    """Render one registered page section with its own context plus the page's."""
    ctx = context.flatten()
    ctx.update(item["context"])
    return render_to_string(item["section"].template, ctx, request=context.get("request"))


@register.filter
def get_item(mapping, key):
    """{{ row.values|get_item:key }}"""
    if mapping is None:
        return None
    return mapping.get(key)


@register.filter
def cell(value):
    """A field's value as people read it: 是 / 否 for booleans, — for nothing."""
    from django.utils.translation import gettext as _

    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if value is None or value == "":
        return "—"
    return value
