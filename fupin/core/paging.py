"""Pages by keys (DESIGN §7: lists page by keys, counts are cheap): newest first, the next
page starts after the last key shown, and no page ever counts the whole list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass
class KeysetPage:
    rows: list
    next_query: str | None  # the query string of the next page, if there is one
    first_query: str  # the query string of the first page
    paged: bool  # past the first page

    def __iter__(self):
        return iter(self.rows)


def keyset_page(request, queryset: QuerySet, size: int) -> KeysetPage:
    """One page of `queryset`, by descending primary key, after `?after=KEY`."""
    after = request.GET.get("after", "")
    if after.isdigit():
        queryset = queryset.filter(pk__lt=int(after))
    rows = list(queryset.order_by("-pk")[: size + 1])
    has_next = len(rows) > size
    rows = rows[:size]
    query = request.GET.copy()
    query.pop("after", None)
    first = query.urlencode()
    next_query = None
    if has_next:
        query["after"] = rows[-1].pk
        next_query = query.urlencode()
    return KeysetPage(rows=rows, next_query=next_query, first_query=first, paged=bool(after))
