from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fupin.core import scoping
from fupin.core.paging import keyset_page

from .selectors import zero_employment_counts, zero_employment_households


@login_required
def zero_employment(request):
    """The working list: households with labourers and nobody working, newest first, paged
    by keys; the counts (the area's and its children's) are the indicator's."""
    area = scoping.requested_area(request.user, request.GET.get("area"))
    page = keyset_page(request, zero_employment_households(user=request.user, area=area), 50)
    total, counts = zero_employment_counts(user=request.user, area=area)
    return render(request, "employment/zero_employment.html",
                  {"page": page, "area": area, "total": total, "counts": counts})
