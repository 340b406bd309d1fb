from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse

from .. import workbench
from ..resources import all_resources
from ..roles import can_restore


@login_required
def home(request):
    """The workbench (工作台): the user's day's work — the cards that the modules register
    for the user's role, each a count of the user's scope and a link to those records; a
    leader's shows the key indicators of the scope, month on month (core/workbench.py)."""
    user = request.user
    return render(request, "core/home.html", {
        "cards": workbench.cards_for(user),
        "indicators": workbench.leader_indicators(user) if workbench.shows_indicators(user)
        else None,
        "indicators_first": user.role in workbench.INDICATORS_FIRST,
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
