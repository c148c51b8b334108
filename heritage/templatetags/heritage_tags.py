from django import template

register = template.Library()


@register.inclusion_tag("heritage/_region.html")
def region_heritage(region):
    """The heritage items linked to a region, for the region page (renders nothing when empty).
    Filled in by the heritage app."""
    return {"region": region, "items": []}
