"""Articles (news, analysis, research, culture) and the events calendar."""

import calendar
import datetime
import math
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Case, Count, DateField, OuterRef, Q, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from hijridate import Gregorian, Hijri

from kazportal.i18n import LANGS
from kazportal.models import Publishable, PublishableQuerySet, photo_field
from kazportal.sanitize import SanitizedBodies, body_field

WORDS_PER_MINUTE = 200

DOI_PATTERN = re.compile(r"^10\.\d{4,9}/\S+$")
DOI_PREFIXES = re.compile(r"^(https?://(dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


def normalize_doi(value):
    return DOI_PREFIXES.sub("", (value or "").strip())


def validate_doi(value):
    """A DOI such as 10.5281/zenodo.17544335; a pasted https://doi.org/… link is accepted too
    (save() keeps the bare DOI)."""
    if value and not DOI_PATTERN.match(normalize_doi(value)):
        raise ValidationError(
            _("Enter a DOI such as 10.5281/zenodo.17544335 (without https://doi.org/)."),
            code="invalid_doi",
        )


class Tag(models.Model):
    """A keyword; its page lists the articles that carry it."""

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("keyword")
        verbose_name_plural = _("keywords")
        ordering = ["slug"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:tag", kwargs={"tag": self.slug})

    def clean(self):
        """A keyword's name is its own in each language, whatever the letter case (compared in
        Python: SQLite folds only ASCII letters)."""
        super().clean()
        errors = {}
        others = Tag.objects.exclude(pk=self.pk)
        for code in LANGS:
            name = (getattr(self, f"name_{code}") or "").strip()
            if not name:
                continue
            taken = {n.casefold() for n in others.values_list(f"name_{code}", flat=True) if n}
            if name.casefold() in taken:
                errors[f"name_{code}"] = _("There is already a keyword with this name.")
        if errors:
            raise ValidationError(errors)


class Author(models.Model):
    name = models.CharField(
        _("name"), max_length=160, help_text=_("As it is written in this language.")
    )
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)
    orcid = models.CharField(
        _("ORCID iD"),
        max_length=19,
        blank=True,
        validators=[RegexValidator(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$", _("Enter an ORCID iD."))],
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name_kk"]

    def __str__(self):
        return self.name


class ArticleQuerySet(PublishableQuerySet):
    def with_authors(self):
        """The bylines with their authors, in byline order (for ordered_authors())."""
        return self.prefetch_related(
            models.Prefetch(
                "bylines", queryset=Byline.objects.select_related("author").order_by("order")
            )
        )

    def for_list(self):
        """What a list of articles needs, cards and feed items alike (cover, authors,
        keywords), in a fixed number of queries."""
        return self.select_related("cover").with_authors().prefetch_related("tags")

    def newest_first(self):
        return self.order_by("-published_at", "-pk")

    def in_category(self, category):
        return self.filter(category=category)

    def tagged(self, tag):
        return self.filter(tags=tag)

    def in_year(self, year):
        return self.filter(published_at__year=year)

    def related_to(self, article, limit=3, tags=None):
        """Other articles sharing the most keywords with `article` (its `tags` when already
        read), newest first."""
        tag_ids = [tag.pk for tag in (article.tags.all() if tags is None else tags)]
        if not tag_ids:
            return self.none()
        return (
            self.exclude(pk=article.pk)
            .annotate(shared=Count("tags", filter=Q(tags__in=tag_ids), distinct=True))
            .filter(shared__gt=0)
            .select_related("cover")
            .order_by("-shared", "-published_at")[:limit]
        )


class Article(SanitizedBodies, Publishable):
    class Category(models.TextChoices):
        NEWS = "news", _("News")
        ANALYSIS = "analysis", _("Analysis")
        RESEARCH = "research", _("Research")
        CULTURE = "culture", _("Culture and travel")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    category = models.CharField(
        _("category"),
        max_length=10,
        choices=Category.choices,
        default=Category.NEWS,
        db_index=True,
    )
    title = models.CharField(_("title"), max_length=250)
    lead = models.TextField(
        _("lead"), blank=True, help_text=_("One or two sentences shown on cards and in feeds.")
    )
    abstract = models.TextField(
        _("abstract"), blank=True, help_text=_("For research articles: the abstract.")
    )
    body = body_field()
    authors = models.ManyToManyField(
        Author, verbose_name=_("authors"), through="Byline", blank=True, related_name="articles"
    )
    tags = models.ManyToManyField(
        Tag, verbose_name=_("keywords"), blank=True, related_name="articles"
    )
    source = models.CharField(
        _("source"),
        max_length=250,
        blank=True,
        help_text=_("The journal, newspaper or site where the article first appeared."),
    )
    source_url = models.URLField(_("source link"), blank=True)
    doi = models.CharField(
        _("DOI"),
        max_length=200,
        blank=True,
        validators=[validate_doi],
        help_text=_("For example 10.5281/zenodo.17544335."),
    )
    original_title = models.CharField(
        _("title of the original"),
        max_length=300,
        blank=True,
        help_text=_(
            "Only for the portal's summary of someone else's paper: the paper's title as "
            "published. The authors above are then the paper's authors, the source and DOI the "
            "paper's; the page presents the text as the editors' summary and cites the paper."
        ),
    )
    original_language = models.CharField(
        _("language of the original"), max_length=2, choices=settings.LANGUAGES, blank=True
    )
    received_on = models.DateField(_("received"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted"), null=True, blank=True)
    first_published_on = models.DateField(
        _("first published"),
        null=True,
        blank=True,
        help_text=_("When the source published it; the portal's own date is the publication time."),
    )
    cover = photo_field()
    related = models.ManyToManyField(
        "self",
        verbose_name=_("related articles"),
        symmetrical=False,
        blank=True,
        help_text=_("Shown first; articles sharing keywords are added after them."),
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        errors = {}
        self.doi = normalize_doi(self.doi)
        if self.doi:
            try:
                validate_doi(self.doi)
            except ValidationError as error:
                errors["doi"] = error.messages
        if self.received_on and self.accepted_on and self.accepted_on < self.received_on:
            errors["accepted_on"] = _("An article cannot be accepted before it was received.")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        # SanitizedBodies cleans every language's body.
        self.doi = normalize_doi(self.doi)
        super().save(*args, **kwargs)

    @property
    def is_summary(self):
        """The portal's summary of a paper by the authors named (not their own text)."""
        return bool(self.original_title)

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def is_scholarly(self):
        return self.category == self.Category.RESEARCH or bool(self.doi)

    def reading_minutes(self):
        words = len(strip_tags(self.body or "").split()) + len((self.abstract or "").split())
        return max(1, math.ceil(words / WORDS_PER_MINUTE))

    def ordered_authors(self):
        """Authors in byline order (uses the prefetch of with_authors())."""
        return [byline.author for byline in self.bylines.all()]


class Byline(models.Model):
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="bylines")
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.PROTECT, related_name="bylines"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("author of the article")
        verbose_name_plural = _("authors of the article")
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["article", "author"], name="unique_byline")]

    def __str__(self):
        return str(self.author)


class Reference(models.Model):
    """One entry of an article's numbered reference list (kept as cited, not translated)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="references")
    text = models.TextField(_("reference"))
    url = models.URLField(_("link"), blank=True)
    # the language the cited work is written in: the page marks the entry with it (lang="...")
    lang = models.CharField(
        _("language of the source"),
        max_length=8,
        choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
        default="en",
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("reference")
        verbose_name_plural = _("references")
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text[:80]


# --- calendar ---------------------------------------------------------------------------------

MIN_YEAR = 1900
MAX_YEAR = 2100

HIJRI_MONTHS = [
    (1, _("Muharram")),
    (2, _("Safar")),
    (3, _("Rabi al-Awwal")),
    (4, _("Rabi al-Thani")),
    (5, _("Jumada al-Awwal")),
    (6, _("Jumada al-Thani")),
    (7, _("Rajab")),
    (8, _("Shaban")),
    (9, _("Ramadan")),
    (10, _("Shawwal")),
    (11, _("Dhu al-Qadah")),
    (12, _("Dhu al-Hijjah")),
]


@dataclass(frozen=True)
class Occurrence:
    """One showing of an event: a single date or a date range (inclusive)."""

    event: "Event"
    start: datetime.date
    end: datetime.date
    # For an event of the Islamic calendar: the Hijri year of this occurrence (the iCalendar
    # export names each year's VEVENT by it, so that an announced date moves it, not adds one).
    hijri_year: int | None = field(default=None, compare=False)

    @property
    def multi_day(self):
        return self.end > self.start

    def covers(self, day):
        return self.start <= day <= self.end

    @property
    def day_url(self):
        return day_url(self.start)


def day_url(day):
    """The address of a day's page in the calendar."""
    return reverse(
        "articles:day",
        kwargs={"year": f"{day.year:04d}", "month": f"{day.month:02d}", "day": f"{day.day:02d}"},
    )


def shift_year(day, year):
    """`day` moved to `year`, or None when it does not exist there (29 February). This is what
    RFC 5545 does with FREQ=YEARLY on 29 February: such an event occurs in leap years only."""
    if day.month == 2 and day.day == 29 and not calendar.isleap(year):
        return None
    return day.replace(year=year)


# The range hijridate's Umm al-Qura tables cover; outside it only announced dates are shown.
HIJRI_FIRST_DAY = datetime.date(1924, 8, 1)
HIJRI_LAST_DAY = datetime.date(2077, 11, 16)
# An announced date replaces the computed date at most this many days away from it.
ANNOUNCED_TOLERANCE = datetime.timedelta(days=5)
# An event of the Islamic calendar lasts at most this long (a Hijri year is ~354 days).
HIJRI_MAX_DAYS = 30


def hijri_dates(month, day, start, end):
    """(Hijri year, Gregorian date) of every `day` `month` of the Islamic calendar (Umm al-Qura,
    computed by hijridate) between start and end inclusive. A 30th in a month of 29 days that
    year is skipped, as 29 February is by FREQ=YEARLY."""
    start, end = max(start, HIJRI_FIRST_DAY), min(end, HIJRI_LAST_DAY)
    if not (month and day) or start > end:
        return []
    found = []
    first, last = Gregorian.fromdate(start).to_hijri().year, Gregorian.fromdate(end).to_hijri().year
    for year in range(first, last + 1):
        try:
            date = Hijri(year, month, day).to_gregorian()
        except (ValueError, OverflowError):
            continue
        date = datetime.date(date.year, date.month, date.day)
        if start <= date <= end:
            found.append((year, date))
    return found


def next_occurrence_window(today):
    """Where Event.next_occurrence looks: today and the next four years."""
    return today, today + datetime.timedelta(days=366 * 4 + 1)


def announced_window(start, end):
    """The announced dates that may matter for occurrences touching [start, end]."""
    margin = ANNOUNCED_TOLERANCE + datetime.timedelta(days=HIJRI_MAX_DAYS)
    return start - margin, end + margin


class EventQuerySet(PublishableQuerySet):
    def with_related(self):
        return self.select_related("region", "place", "image")

    def with_announced(self, start, end):
        """Each event of the Islamic calendar with its announced dates that matter for
        [start, end], read in the same query (one subquery per possible date: a Hijri date
        comes back every ~354 days), so that a month page stays at a fixed number of queries."""
        low, high = announced_window(start, end)
        slots = (high - low).days // 340 + 2
        dates = EventDate.objects.filter(event=OuterRef("pk"), date__range=(low, high))
        annotations = {
            f"announced_slot_{i}": Case(
                When(
                    recurrence=Event.Recurrence.HIJRI,
                    then=Subquery(dates.order_by("date").values("date")[i : i + 1]),
                ),
                default=None,
                output_field=DateField(),
            )
            for i in range(slots)
        }
        return self.annotate(
            announced_from=Value(low, output_field=DateField()),
            announced_to=Value(high, output_field=DateField()),
            announced_slots=Value(slots),
            **annotations,
        )

    def overlapping(self, start, end):
        """Events that may occur between start and end (yearly and Hijri ones are checked in
        Python)."""
        one_off = Q(recurrence=Event.Recurrence.NONE, start_date__lte=end) & (
            Q(end_date__gte=start) | Q(end_date__isnull=True, start_date__gte=start)
        )
        repeating = Q(
            recurrence__in=[Event.Recurrence.YEARLY, Event.Recurrence.HIJRI],
            start_date__lte=end,
        )
        return self.filter(one_off | repeating).with_announced(start, end)

    def occurrences(self, start, end):
        """Every occurrence touching [start, end] (inclusive), yearly recurrences expanded,
        sorted by start date: one query."""
        found = []
        for event in self.overlapping(start, end):
            found.extend(event.occurrences_between(start, end))
        found.sort(key=lambda o: (o.start, o.event.order, o.end, o.event.title))
        return found

    def on_day(self, day):
        return self.occurrences(day, day)

    def upcoming(self, today=None, days=365, limit=None):
        today = today or timezone.localdate()
        found = self.occurrences(today, today + datetime.timedelta(days=days))
        return found[:limit] if limit else found

    def in_category(self, category):
        return self.filter(category=category)

    def in_region_or_places(self, region):
        """Events linked to the region or to one of its places."""
        return self.filter(Q(region=region) | Q(place__region=region))


class Event(Publishable):
    class Recurrence(models.TextChoices):
        NONE = "none", _("Once")
        YEARLY = "yearly", _("Every year on the same date")
        HIJRI = "hijri", _("Every year on a date of the Islamic (Hijri) calendar")

    class Category(models.TextChoices):
        HOLIDAY = "holiday", _("Public holiday")
        NATIONAL = "national", _("National or professional date")
        MEMORIAL = "memorial", _("Memorial date")
        INTERNATIONAL = "international", _("International day")
        NAURYZ = "nauryz", _("Nauryz decade")
        FESTIVAL = "festival", _("Festival")
        EXHIBITION = "exhibition", _("Exhibition")
        SPORT = "sport", _("Sport")

    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One line for the calendar and the home page's “today” card."),
    )
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(
        _("category"), max_length=15, choices=Category.choices, db_index=True
    )
    start_date = models.DateField(
        _("date"), help_text=_("For a yearly date, the first year it was marked.")
    )
    end_date = models.DateField(
        _("last day"), null=True, blank=True, help_text=_("Only for events of several days.")
    )
    recurrence = models.CharField(
        _("repeats"), max_length=10, choices=Recurrence.choices, default=Recurrence.NONE
    )
    hijri_month = models.PositiveSmallIntegerField(
        _("Hijri month"),
        null=True,
        blank=True,
        choices=HIJRI_MONTHS,
        help_text=_("Only for a date of the Islamic calendar, e.g. Dhu al-Hijjah for Kurban Ait."),
    )
    hijri_day = models.PositiveSmallIntegerField(
        _("Hijri day"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text=_("Day of that month, 1–30, e.g. 10 for Kurban Ait."),
    )
    day_off = models.BooleanField(_("day off"), default=False)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("region"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    place = models.ForeignKey(
        "regions.Place",
        verbose_name=_("place"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    image = photo_field(_("image"))
    link = models.URLField(_("link"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Among events of the same day.")
    )
    notes = models.TextField(
        _("editors' notes"), blank=True, help_text=_("Never shown on the site.")
    )
    is_example = models.BooleanField(
        _("example listing"),
        default=False,
        help_text=_(
            "Demo content: visitors are told that the date and programme are only an example."
        ),
    )

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["start_date", "order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="event_ends_after_start",
            )
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:event", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        if self.end_date and self.start_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The last day cannot come before the first.")})
        if self.end_date and self.start_date and (self.end_date - self.start_date).days > 366:
            raise ValidationError({"end_date": _("An event can last a year at most.")})
        if self.place_id and self.region_id and self.place.region_id != self.region_id:
            raise ValidationError({"place": _("This place is in another region.")})
        if self.hijri:
            errors = {}
            if not self.hijri_month:
                errors["hijri_month"] = _("A date of the Islamic calendar needs its month.")
            if not self.hijri_day:
                errors["hijri_day"] = _("A date of the Islamic calendar needs its day.")
            if self.duration.days >= HIJRI_MAX_DAYS:
                errors["end_date"] = _("An event of the Islamic calendar can last 30 days at most.")
            if errors:
                raise ValidationError(errors)

    @property
    def yearly(self):
        return self.recurrence == self.Recurrence.YEARLY

    @property
    def hijri(self):
        return self.recurrence == self.Recurrence.HIJRI

    @property
    def repeats(self):
        return self.recurrence != self.Recurrence.NONE

    def announced_between(self, start, end):
        """The announced dates (EventDate) between start and end: from the annotation of
        EventQuerySet.with_announced when it covers them, else one query."""
        low = getattr(self, "announced_from", None)
        high = getattr(self, "announced_to", None)
        if low is not None and low <= start and end <= high:
            slots = [getattr(self, f"announced_slot_{i}") for i in range(self.announced_slots)]
            return [d for d in slots if d is not None and start <= d <= end]
        if self.pk is None:
            return []
        return list(
            self.announced_dates.filter(date__range=(start, end)).values_list("date", flat=True)
        )

    def hijri_occurrences(self, start, end):
        """The occurrences of an event of the Islamic calendar touching [start, end]: the date
        computed for each Hijri year, or the date announced for it (at most five days away)."""
        duration = self.duration
        low = start - duration - ANNOUNCED_TOLERANCE
        high = end + ANNOUNCED_TOLERANCE
        announced = sorted(self.announced_between(*announced_window(start, end)))
        found = []
        for hijri_year, computed in hijri_dates(self.hijri_month, self.hijri_day, low, high):
            near = [d for d in announced if abs(d - computed) <= ANNOUNCED_TOLERANCE]
            begins = min(near, key=lambda d: abs(d - computed)) if near else computed
            if near:
                announced.remove(begins)
            found.append((hijri_year, begins))
        # An announced date with no computed one near it (outside hijridate's years) stands alone.
        found.extend((None, d) for d in announced)
        occurrences = [
            Occurrence(self, begins, begins + duration, hijri_year=hijri_year)
            for hijri_year, begins in found
            if begins.year >= self.start_date.year and begins <= end and begins + duration >= start
        ]
        return sorted(occurrences, key=lambda o: o.start)

    @property
    def duration(self):
        return (self.end_date - self.start_date) if self.end_date else datetime.timedelta(0)

    def occurrences_between(self, start, end):
        """This event's occurrences that touch [start, end] (inclusive)."""
        if self.hijri:
            return self.hijri_occurrences(start, end)
        if not self.yearly:
            last = self.start_date + self.duration
            if self.start_date <= end and last >= start:
                return [Occurrence(self, self.start_date, last)]
            return []
        found = []
        # An occurrence that began the year before may still run (31 December – 2 January).
        first_year = max(self.start_date.year, start.year - 1 - self.duration.days // 365)
        for year in range(first_year, min(end.year, MAX_YEAR) + 1):
            begins = shift_year(self.start_date, year)
            if begins is None:
                continue
            ends = begins + self.duration
            if begins <= end and ends >= start:
                found.append(Occurrence(self, begins, ends))
        return found

    def next_occurrence(self, today=None):
        """The occurrence running today or the next one; for a past one-off event, itself."""
        today = today or timezone.localdate()
        if not self.repeats:
            return Occurrence(self, self.start_date, self.start_date + self.duration)
        found = self.occurrences_between(*next_occurrence_window(today))
        if found:
            return found[0]
        return Occurrence(self, self.start_date, self.start_date + self.duration)


class EventDate(models.Model):
    """The date announced for one year of an event of the Islamic calendar (in Kazakhstan, by the
    Spiritual Administration of Muslims): it replaces the computed date nearest to it."""

    event = models.ForeignKey(
        Event, verbose_name=_("event"), on_delete=models.CASCADE, related_name="announced_dates"
    )
    date = models.DateField(
        _("announced date"),
        help_text=_(
            "The date announced for that year; it replaces the computed date "
            "at most five days away from it."
        ),
    )

    class Meta:
        verbose_name = _("announced date")
        verbose_name_plural = _("announced dates")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["event", "date"], name="event_date_once"),
        ]

    def __str__(self):
        return self.date.isoformat()

    def clean(self):
        super().clean()
        event = getattr(self, "event", None)
        if event is None or self.date is None or not event.hijri:
            return
        margin = ANNOUNCED_TOLERANCE
        computed = hijri_dates(
            event.hijri_month, event.hijri_day, self.date - margin, self.date + margin
        )
        inside = HIJRI_FIRST_DAY <= self.date <= HIJRI_LAST_DAY
        if inside and event.hijri_month and event.hijri_day and not computed:
            raise ValidationError(
                {"date": _("This is more than five days away from the computed date.")}
            )
