import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _kazakh_default():
    """Tests create rows in the default language unless they say otherwise."""
    with translation.override("kk"):
        yield
