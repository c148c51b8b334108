"""axe-core (vendored from npm, MPL-2.0) checks the main pages against WCAG 2.2 A/AA: contrast,
names, landmarks, target sizes... on the demo content, in each language."""

from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
PAGES = [
    "/{lang}/",
    "/{lang}/regions/",
    "/{lang}/regions/almaty-region/",
    "/{lang}/regions/almaty-region/charyn-canyon/",
    "/{lang}/heritage/",
    "/{lang}/heritage/unesco/",
    "/{lang}/heritage/unesco/khoja-ahmed-yasawi-mausoleum/",
    "/{lang}/articles/",
    "/{lang}/calendar/2027/03/",
    "/{lang}/batyr/",
    "/{lang}/search/?q=abai",
]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_main_pages_pass_axe_wcag_aa(live_server, browser, demo, lang):
    # axe is injected as a script; the site's own CSP would (rightly) block it.
    context = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    problems = []
    for template in PAGES:
        path = template.format(lang=lang)
        assert page.goto(live_server.url + path).status == 200, path
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}})"
        )
        assert result["passes"], path  # axe really ran
        for violation in result["violations"]:
            node = violation["nodes"][0]
            problems.append(
                f"{path}: {violation['id']} ({len(violation['nodes'])}) {node['target']}"
            )
    context.close()
    assert not problems, "\n".join(problems)
