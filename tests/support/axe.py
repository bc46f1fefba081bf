"""axe-core in the browser tests: WCAG 2.2 A and AA violations of a page, as readable lines."""

from pathlib import Path

from django.conf import settings

from tests.support.browser import TIMEOUT_MS, Visitor

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
AXE_RUN = "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def axe_reader(browsers, viewport, color_scheme="light"):
    """Someone not signed in, with a screen of `viewport` size, whose pages axe can check."""
    # bypass_csp: axe-core is injected as an inline script, which the site's policy refuses
    # (as it should); the other browser tests keep the policy on.
    context = browsers.browser.new_context(
        base_url=browsers.base_url, viewport=viewport, color_scheme=color_scheme, bypass_csp=True
    )
    context.set_default_timeout(TIMEOUT_MS)
    browsers.contexts.append(context)
    return Visitor(context, context.new_page())


def axe_violations(page):
    """axe-core's WCAG 2.2 A and AA violations on the page, one readable line per element."""
    page.add_script_tag(path=AXE)
    results = page.evaluate(AXE_RUN, WCAG_22_AA)
    return [
        f"axe {violation['id']} ({violation['impact']}) at {node['target']}: {violation['help']}"
        f" ({violation['helpUrl']})\n    " + node["failureSummary"].replace("\n", "\n    ")
        for violation in results["violations"]
        for node in violation["nodes"]
    ]
