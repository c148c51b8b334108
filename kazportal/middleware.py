"""Requests that carry a NUL byte in the address, a query parameter or a cookie are refused with
the translated 400 page before any view runs. PostgreSQL cannot store or compare text with NUL
bytes (psycopg raises DataError, a server error), and no real browser sends them; form fields
are left to the forms, which answer with a form error and keep what was typed."""

from django.utils.translation import gettext as _

from .pages import bad_request


class RefuseNulBytes:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        values = [request.path, *request.GET.keys(), *request.COOKIES.keys()]
        values += [v for values in request.GET.lists() for v in values[1]]
        values += request.COOKIES.values()
        if any("\x00" in value for value in values):
            return bad_request(
                request,
                _("The address contains a character that is not allowed (a NUL byte)."),
                back_url="/",
                back_label=_("Home page"),
            )
        return self.get_response(request)
