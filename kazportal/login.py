"""The admin's login form: a user name longer than the user model's (django-axes stores it in a
255-character column, PostgreSQL refuses longer ones) is a form error before any authentication
runs, as is a NUL byte (the form field's own validator)."""

from django.contrib.admin.forms import AdminAuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class AdminLoginForm(AdminAuthenticationForm):
    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        field = self.fields["username"]
        # AuthenticationForm sets max_length for the widget only, after the field was built:
        # nothing checks it.
        field.validators.append(
            MaxLengthValidator(
                field.max_length,
                message=_("A user name has at most %(limit_value)d characters."),
            )
        )
