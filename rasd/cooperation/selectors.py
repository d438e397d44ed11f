"""Reads of UN cooperation: the list with its filters, and the totals by agency and axis. Every read goes through
``rasd.cooperation.policies.cooperation_visible_to``."""

from collections.abc import Mapping
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum
from django.db.models.functions import ExtractYear

from rasd.cooperation.models import Cooperation
from rasd.cooperation.policies import cooperation_visible_to
from rasd.institutions.models import Institution


def cooperation_list(*, visible_to, filters: Mapping | None = None) -> QuerySet[Cooperation]:
    """The cooperation ``visible_to`` may see, newest first, narrowed by ``filters``: ``agency`` (an institution's
    code), ``axis`` (a value of ``Cooperation.Axis``), ``year`` (the cooperation runs during that year: it starts
    before its end and ends after its start; an open end runs on). Empty values are ignored."""
    filters = filters or {}
    rows = cooperation_visible_to(visible_to).select_related("agency")
    if filters.get("agency"):
        rows = rows.filter(agency__code=filters["agency"])
    if filters.get("axis"):
        rows = rows.filter(axis=filters["axis"])
    year = filters.get("year")
    if year:
        rows = rows.exclude(start_date__year__gt=year).exclude(end_date__year__lt=year)
    return rows.order_by("-start_date", "-id")


def cooperation_totals(*, visible_to) -> list[dict]:
    """{agency, axis, axis_label, count, amount} for each agency and axis with cooperation ``visible_to`` may see; ``amount``
    sums the amounts in MAD (records in another currency are counted but not summed: amounts in different
    currencies do not add up); agencies by name order, axes in their order."""
    rows = cooperation_visible_to(visible_to).values("agency", "axis").annotate(count=Count("id")).order_by()
    amounts = {
        (row["agency"], row["axis"]): row["amount"]
        for row in cooperation_visible_to(visible_to)
        .filter(currency="MAD")
        .values("agency", "axis")
        .annotate(amount=Sum("amount"))
        .order_by()
    }
    agencies = Institution.objects.in_bulk({row["agency"] for row in rows})
    axes = list(Cooperation.Axis.values)
    result = [
        {
            "agency": agencies[row["agency"]],
            "axis": row["axis"],
            "axis_label": Cooperation.Axis(row["axis"]).label,
            "count": row["count"],
            "amount": amounts.get((row["agency"], row["axis"])) or Decimal(0),
        }
        for row in rows
    ]
    result.sort(key=lambda row: (row["agency"].short_name, axes.index(row["axis"])))
    return result


def cooperation_years(*, visible_to) -> list[int]:
    """The years cooperation ``visible_to`` may see starts in, newest first, for the list's year filter."""
    years = (
        cooperation_visible_to(visible_to)
        .exclude(start_date=None)
        .annotate(year=ExtractYear("start_date"))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(set(years), reverse=True)
