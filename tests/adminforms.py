"""Admin forms as a browser sends them: read from the page's own HTML."""

from bs4 import BeautifulSoup


def form_fields(html):
    """The fields of the admin form in `html` with their current values (inline management
    forms included), as a browser would post them untouched."""
    page = BeautifulSoup(html, "html.parser")
    form = page.find("form", id=lambda v: v and v.endswith("_form"))
    data = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or "__prefix__" in name or field.get("type") in ("submit", "file"):
            continue
        if field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data[name] = field.get("value", "on")
        elif field.name == "select":
            if field.has_attr("multiple"):
                chosen = [o["value"] for o in field.find_all("option", selected=True)]
                if chosen:
                    data[name] = chosen
                continue
            chosen = field.find("option", selected=True) or field.find("option")
            if chosen is not None and chosen.get("value"):
                data[name] = chosen["value"]
        elif field.name == "textarea":
            data[name] = field.text.removeprefix("\n")
        else:
            data[name] = field.get("value", "")
    return data


def form_data(client, url):
    """The fields of the admin form at `url`, as a browser would post them untouched."""
    return form_fields(client.get(url).content)


def errors(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [e.get_text(" ", strip=True) for e in page.select(".errorlist, .errornote")]
