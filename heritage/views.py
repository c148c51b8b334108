"""Heritage pages. Each runs a fixed number of SQL queries whatever the amount of content
(tests/heritage/test_queries.py). What differs between kinds of section comes from KINDS."""

from urllib.parse import urlencode

from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from kazportal.cache import reads_query
from kazportal.pages import bad_request, paginate
from regions.models import Place, Region

from . import structured_data
from .facets import RegionFacet
from .kinds import KINDS
from .models import Document, Item, ItemPhoto, Section

RELATED = 4
NOT_FOUND = gettext_lazy("This document is not available.")


@require_GET
def section_list(request):
    """The heritage index: the eight section cards."""
    sections = list(Section.objects.with_item_counts())
    description = _(
        "Customs, history, UNESCO sites, museums and reserves, great names, cinema and archives "
        "of Kazakhstan."
    )
    jsonld = structured_data.collection_graph(
        request, _("Heritage"), description, reverse("heritage:index"), sections
    )
    return render(
        request,
        "heritage/index.html",
        {"sections": sections, "description": description, "jsonld": jsonld},
    )


@reads_query("page", RegionFacet.param, *(k.facet.param for k in KINDS.values() if k.facet))
@require_GET
def section_detail(request, section):
    """A section's items as cards, filtered by region and by the kind's own facet. `section` is
    the slug of the address (its URL keyword, which other apps reverse)."""
    current = get_object_or_404(Section.objects.select_related("cover"), slug=section)
    kind = KINDS[current.kind]
    published = Item.objects.published().in_section(current)
    items = (
        Item.objects.visible_to(request.user)
        .in_section(current)
        .for_cards()
        .order_by(*kind.ordering)
    )

    filters = []
    active = {}
    for facet in (kind.facet, RegionFacet()):
        if facet is None:
            continue
        options = facet.counted_options(published)
        value = request.GET.get(facet.param, "")
        if value:
            if not facet.is_valid(value):
                return bad_request(
                    request,
                    _("“%(value)s” is not a value of the filter “%(filter)s”.")
                    % {"value": value[:60], "filter": facet.label},
                    title=_("Unknown filter value"),
                    back_url=current.get_absolute_url(),
                    back_label=_("Show all items of the section"),
                )
            items = items.filter(facet.condition(value))
            active[facet.param] = value
        if options or value:
            filters.append(
                {"param": facet.param, "label": facet.label, "options": options, "value": value}
            )
    if "region" in active:
        items = items.distinct()

    page = paginate(request, items)
    page_items = list(page.object_list)
    jsonld = structured_data.collection_graph(
        request, current.title, current.card_text, current.get_absolute_url(), page_items, [current]
    )
    return render(
        request,
        "heritage/section.html",
        {
            "section": current,
            "page_obj": page,
            "items": page_items,
            "filters": filters,
            "active": active,
            "filter_query": urlencode(active),
            "is_filtered": bool(active),
            "jsonld": jsonld,
        },
    )


@require_GET
def item_detail(request, section, slug):
    """An item page: its kind's facts, gallery, documents, regions and places, related items."""
    item = get_object_or_404(
        Item.objects.visible_to(request.user)
        .select_related("section", "cover")
        .prefetch_related(
            Prefetch("item_photos", queryset=ItemPhoto.objects.select_related("photo")),
            Prefetch("regions", queryset=Region.objects.published().order_by("order", "slug")),
            Prefetch(
                "places",
                queryset=Place.objects.published().select_related("region").order_by("slug"),
            ),
            Prefetch("documents", queryset=Document.objects.order_by("order", "pk")),
        ),
        section__slug=section,
        slug=slug,
    )
    kind = KINDS[item.kind]
    # Related items: the editor's choice first, then others of the same section (two queries).
    related = list(
        item.related.published()
        .exclude(pk=item.pk)
        .for_cards()
        .order_by("section__order", "order")[:RELATED]
    )
    if len(related) < RELATED:
        related += list(
            Item.objects.published()
            .in_section(item.section)
            .exclude(pk__in=[item.pk, *[r.pk for r in related]])
            .for_cards()
            .order_by(*kind.ordering)[: RELATED - len(related)]
        )
    regions = list(item.regions.all())
    documents = list(item.documents.all()) if kind.documents else []
    return render(
        request,
        "heritage/item.html",
        {
            "item": item,
            "section": item.section,
            "kind": item.kind,
            "facts": kind.facts_of(item),
            "achievements": item.achievements.splitlines() if item.achievements else [],
            "gallery": [entry.photo for entry in item.item_photos.all()],
            "regions": regions,
            "places": list(item.places.all()),
            "documents": documents,
            "related": related,
            "jsonld": structured_data.item_graph(request, item, kind, documents, regions),
            "og_type": kind.og_type,
        },
    )


@require_GET
def document_download(request, section, slug, pk):
    """A document of a published item, as an attachment with a safe file name. Drafts (for
    visitors) and files missing from the storage are 404s."""
    document = get_object_or_404(
        Document.objects.select_related("item__section").filter(
            item__in=Item.objects.visible_to(request.user)
        ),
        pk=pk,
        item__slug=slug,
        item__section__slug=section,
    )
    if not document.file:
        raise Http404(NOT_FOUND)
    try:
        handle = document.file.storage.open(document.file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404(NOT_FOUND) from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=document.download_name(),
        content_type=document.content_type or "application/octet-stream",
    )
    response["Cache-Control"] = "private, max-age=3600"
    return response
