from django import template

register = template.Library()


@register.inclusion_tag("articles/_region_events.html")
def region_events(region):
    """Upcoming calendar events in a region, for the region page (renders nothing when empty).
    Filled in by the calendar (articles app)."""
    return {"region": region, "occurrences": []}
