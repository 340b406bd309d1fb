from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_POST

from fupin.areas.selectors import area_full_name
from fupin.core import scoping
from fupin.core.errors import ServiceError

from . import services
from .models import PROTECTED, Person
from .selectors import incomplete_by_village


@login_required
@require_POST
def reveal(request, pk, field):
    """One protected value in clear (htmx swaps it in); logged by the service."""
    if field not in PROTECTED:
        raise Http404
    person = scoping.get_visible_or_404(Person, request.user, pk=pk)
    try:
        value = services.person_reveal(actor=request.user, person=person, field=field,
                                       request=request)
    except ServiceError:
        raise Http404 from None
    return render(request, "registry/_revealed.html", {"value": value})


@login_required
def incomplete(request):
    """Incomplete registrations per village, with what each person lacks (DESIGN §2)."""
    area = request.GET.get("area", "")
    rows = incomplete_by_village(user=request.user, area_prefix=area)
    scope = request.user.scope_code
    for row in rows:
        code = row["area_code"]
        # the names below the user's own area; a village worker's own village by its name
        row["name"] = area_full_name(code, below=scope if len(code) > len(scope) else
                                     code[:-3])
    people = []
    if len(area) == 12:
        people = (Person.objects.visible_to(request.user).active()
                  .filter(area_code=area, complete=False).select_related("household")
                  .order_by("household__number", "relation")[:500])
    return render(request, "registry/incomplete.html",
                  {"rows": rows, "people": people, "area": area,
                   "area_name": area_full_name(area) if area else ""})
