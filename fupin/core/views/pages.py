from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from fupin.areas.models import LEVEL_LENGTH, Area, Level
from fupin.areas.selectors import area_full_name

from .. import scoping
from ..resources import all_resources
from ..roles import can_restore
from ..sections import home_cards


@login_required
def home(request):
    """The user's start page: who and where they are, and what lies in their scope."""
    user = request.user
    scope = scoping.user_scope_code(user)
    counts = []
    if scope is not None:
        below = Area.objects.filter(code__startswith=scope) if scope else Area.objects.all()
        labels = dict(Level.choices)
        for level, length in LEVEL_LENGTH.items():
            if length > len(scope):
                counts.append((labels[level], below.filter(level=level).count()))
    cards = [card for card in home_cards.for_user(user)]
    return render(request, "core/home.html", {
        "scope_name": area_full_name(user.scope_code) if scope else "",
        "area_counts": counts, "cards": cards,
    })


@login_required
def retired(request):
    """Retired records per model, for administrators to find and restore."""
    if not can_restore(request.user):
        raise Http404
    rows = []
    for resource in sorted(all_resources(), key=lambda r: r.verbose_name_plural):
        n = resource.queryset(request.user).retired().count()
        rows.append((resource.verbose_name_plural, n,
                     reverse(resource.url_name("list")) + "?status=retired"))
    return render(request, "core/retired.html", {"rows": rows})
