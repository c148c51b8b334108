"""What every app's public views share: the one 400 page and the one paginator."""

from django.core.paginator import InvalidPage, Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _

PER_PAGE = 12


def bad_request(request, message, *, title=None, back_url=None, back_label=None):
    """The 400 page: what was wrong with the address (a filter value, a year...) in the
    visitor's language, and a link back to the unfiltered list (by default this path)."""
    return render(
        request,
        "400.html",
        {
            "title": title or _("Bad request"),
            "message": message,
            "back_url": back_url or request.path,
            "back_label": back_label or _("Show everything"),
        },
        status=400,
    )


def paginate(request, queryset, per_page=PER_PAGE):
    """The page of `?page=` (the first without it); a page that does not exist is a 404."""
    try:
        return Paginator(queryset, per_page).page(request.GET.get("page") or 1)
    except InvalidPage as error:
        raise Http404(_("There is no such page in this list.")) from error
