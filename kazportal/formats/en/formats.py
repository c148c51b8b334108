# English dates as a British-style portal writes them: 15 March 2026 (Django's default is
# "March 15, 2026"). Everything not set here falls back to Django's own English formats.
DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
FIRST_DAY_OF_WEEK = 1  # Monday, as in Kazakhstan
