"""In a real browser: the axe-core check every browser test runs sees what it should, and says it plainly."""

import pytest

pytestmark = pytest.mark.browser

# Two WCAG A failures axe-core knows, a page with no language and an image with no text alternative,
# and a best-practice finding: text outside every landmark.
BREAK_THE_PAGE = """() => {
  document.documentElement.removeAttribute("lang");
  const loose = document.createElement("p");
  loose.className = "loose-text";
  loose.textContent = "Outside the landmarks";
  document.body.prepend(loose);
  const image = document.createElement("img");
  image.id = "no-alt";
  image.src = "data:image/gif;base64,R0lGODlhAQABAAAAACw=";
  document.querySelector("main").append(image);
}"""


@pytest.fixture
def axe(request, browser_page):
    """The axe-core watch on the test's page."""
    return request.node.axe_watch


def test_a_page_is_checked_before_the_test_leaves_it(app, live_server, browser_page, axe):
    page = browser_page
    page.goto(f"{live_server}/sign-in")
    page.get_by_role("link", name="Accessibility statement").click()
    page.wait_for_url(f"{live_server}/accessibility")

    assert axe.checked == [f"{live_server}/sign-in"]
    assert axe.violations == []


def test_violations_name_the_rule_its_impact_the_elements_and_the_page(app, live_server, browser_page, axe):
    page = browser_page
    page.goto(f"{live_server}/sign-in")
    page.evaluate(BREAK_THE_PAGE)
    axe.check(again=True)

    found = {finding.rule: finding for finding in axe.violations}
    assert set(found) == {"html-has-lang", "image-alt"}
    assert found["image-alt"].nodes == ["#no-alt"]
    message = axe.failure()
    assert "axe-core found WCAG 2.2 A/AA violations" in message
    assert "image-alt (critical): Images must have alternative text" in message
    assert f"on {live_server}/sign-in" in message
    assert "#no-alt" in message
    # Best practice is listed at the end of the session, not failed on.
    assert [(finding.rule, finding.nodes) for finding in axe.advisories] == [("region", [".loose-text"])]
    assert "region" not in message

    axe.forget()  # these were made on purpose: the test passes if the next page is clean
    page.reload()


def test_a_page_left_before_any_check_is_reported(app, live_server, browser_page, axe):
    page = browser_page
    page.goto(f"{live_server}/sign-in")
    # A navigation the watch cannot see coming: nothing the test does acts on the page first.
    page.evaluate(f"() => {{ location.href = '{live_server}/accessibility'; }}")
    page.wait_for_url(f"{live_server}/accessibility")
    page.wait_for_load_state("load")
    axe.check()

    assert axe.unchecked() == [f"{live_server}/sign-in"]
    assert f"left before it was checked: {live_server}/sign-in" in axe.failure()
    axe.forget()


def test_the_service_keeps_its_content_security_policy_in_the_browser_tests(app, live_server, browser_page):
    page = browser_page
    blocked = []
    page.on("console", lambda message: blocked.append(message.text) if message.type == "error" else None)
    page.goto(f"{live_server}/sign-in")
    # axe-core runs without relaxing the policy: an inline script from the page is still refused.
    page.evaluate("""() => {
      const script = document.createElement("script");
      script.textContent = "window.inlineRan = true";
      document.head.append(script);
    }""")
    assert page.evaluate("() => window.inlineRan === true") is False
    assert any("Content Security Policy" in text for text in blocked)
