from django import template
from django.utils.html import conditional_escape, format_html, json_script
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from kazportal import structured_data
from kazportal.bodies import render_body
from kazportal.i18n import NOT_YET_TRANSLATED, field_in_language
from kazportal.renditions import picture_urls

register = template.Library()


@register.simple_tag
def translated(obj, field, tag="", html=False, notice=False):
    """Write a translated field. Where it is shown in another language, wrap it with the right
    `lang` attribute and, with notice=True, a short notice saying it is not yet translated.

    {% translated item "title" %}  {% translated item "body" tag="div" html=True notice=True %}
    """
    text, lang = field_in_language(obj, field)
    # A rich-text body (html=True) is stored sanitized; its library photos are expanded here.
    content = mark_safe(render_body(text)) if html else conditional_escape(text)
    current = get_language()
    if lang == current:
        if tag:
            return format_html("<{0}>{1}</{0}>", mark_safe(tag), content)
        return content
    wrapper = tag or "span"
    note = ""
    if notice:
        note = format_html(
            '<p class="fallback-notice" role="note">{}</p>', NOT_YET_TRANSLATED[current]()
        )
    return format_html(
        '{}<{} lang="{}" class="fallback">{}</{}>',
        note,
        mark_safe(wrapper),
        lang,
        content,
        mark_safe(wrapper),
    )


@register.simple_tag
def picture(photo, sizes="100vw", loading="lazy", css_class="", alt=None, fetchpriority=""):
    """<picture> with WebP and a JPEG/PNG fallback in several widths, width/height and alt;
    the <img> carries the photo's focal point as classes (Photo.focal_classes), so that a crop
    by `object-fit: cover` keeps it in view."""
    if not photo or not photo.image:
        return ""
    css_class = " ".join(filter(None, (css_class, photo.focal_classes)))
    webp_srcset, fallback_src, fallback_srcset, default_width = picture_urls(photo)
    ratio = photo.height / photo.width if photo.width else 0.75
    alt_text = alt if alt is not None else field_in_language(photo, "alt")[0]
    return format_html(
        '<picture><source type="image/webp" srcset="{}" sizes="{}">'
        '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" loading="{}" '
        'decoding="async"{}{}></picture>',
        webp_srcset,
        sizes,
        fallback_src,
        fallback_srcset,
        sizes,
        default_width,
        round(default_width * ratio),
        alt_text,
        loading,
        format_html(' class="{}"', css_class) if css_class else "",
        format_html(' fetchpriority="{}"', fetchpriority) if fetchpriority else "",
    )


@register.simple_tag
def og_image_url(request, photo, width=1200):
    """Absolute URL of a JPEG rendition for Open Graph / JSON-LD."""
    return structured_data.image(request, photo, width)


@register.simple_tag
def jsonld(data):
    """A JSON-LD block; json_script escapes <, > and & so content cannot close the tag."""
    html = json_script(data).replace('type="application/json"', 'type="application/ld+json"', 1)
    return mark_safe(html)  # json_script escaped the data
