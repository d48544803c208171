"""The one sanitiser: Markdown and HTML from users reduced to a safe allow-list."""

import re

import pytest
from markupsafe import Markup

from peerchallenge.sanitise import clean_html, render_lines, render_markdown


def assert_safe(html: str) -> None:
    """No script element, event handler, style or dangerous URL in any tag (text may mention them)."""
    tags = " ".join(re.findall(r"<[^>]*>", html.lower()))
    assert "<script" not in tags
    assert "<style" not in tags
    assert not re.search(r"\son\w+\s*=", tags), html
    assert "style=" not in tags
    assert not re.search(r"(href|src|action)\s*=\s*[\"']?\s*(javascript|vbscript|data):", tags), html
    assert "javascript:" not in tags


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        '<img src="x" onerror="alert(1)">',
        '<a href="javascript:alert(1)">click</a>',
        '<a href="JaVaScRiPt:alert(1)">click</a>',
        '<a href="java&#x09;script:alert(1)">click</a>',
        '<a href="  javascript:alert(1)">click</a>',
        '<a href="vbscript:msgbox(1)">click</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
        "[click](javascript:alert(1))",
        "[click](<javascript:alert(1)>)",
        "![x](javascript:alert(1))",
        '<p onclick="alert(1)" style="color:red">text</p>',
        '<svg onload="alert(1)"><circle/></svg>',
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input name="q"></form>',
        "<style>body{display:none}</style>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<!-- <script>alert(1)</script> -->",
        '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
    ],
)
def test_hostile_input_is_made_safe(hostile):
    assert_safe(render_markdown(hostile))
    assert_safe(clean_html(hostile))


def test_the_allow_list_survives():
    markdown = (
        "# One\n\n## Two\n\n### Three\n\n"
        "A paragraph with *emphasis*, **strong** and `code`.  \nAfter a break.\n\n"
        "- bullet\n\nBetween the lists.\n\n1. number\n\n> quoted\n\n---\n\n```\npre\n```\n\n"
        "| a | b |\n| :-- | --: |\n| 1 | 2 |\n"
    )
    html = render_markdown(markdown)
    tags = "h1 h2 h3 p em strong code br ul ol li blockquote hr pre table thead tbody tr th td"
    for tag in tags.split():
        assert f"<{tag}" in html, tag
    assert '<th align="left">a</th>' in html and '<td align="right">2</td>' in html


def test_links_keep_safe_schemes_and_get_rel():
    html = render_markdown(
        '[site](https://example.org "Title") [mail](mailto:lead@example.org) [page](/cycles/1)'
    )
    assert '<a href="https://example.org" title="Title" rel="noopener noreferrer nofollow">site</a>' in html
    assert 'href="mailto:lead@example.org"' in html
    assert 'href="/cycles/1"' in html
    assert html.count('rel="noopener noreferrer nofollow"') == 3


def test_other_schemes_lose_their_href_but_keep_their_text():
    html = render_markdown("[call](tel:01234) [file](file:///etc/passwd) [js](javascript:alert(1))")
    assert "href" not in html
    assert "call" in html and "file" in html and "js" in html


def test_images_and_unknown_tags_are_removed():
    html = render_markdown('![chart](https://example.org/c.png) <div class="x"><span>kept text</span></div>')
    tags = " ".join(re.findall(r"<[^>]*>", html))
    assert "<img" not in tags and "<div" not in tags and "<span" not in tags and "class=" not in tags
    assert "kept text" in html


def test_raw_html_shows_as_text():
    html = render_markdown('<b onclick="x()">bold?</b>')
    assert html == Markup('<p>&lt;b onclick="x()"&gt;bold?&lt;/b&gt;</p>\n')


def test_text_is_escaped_not_interpreted():
    assert "a &lt; b &amp;&amp; c &gt; d" in render_markdown("a < b && c > d")


def test_results_are_markup():
    assert isinstance(render_markdown("x"), Markup)
    assert isinstance(clean_html("<p>x</p>"), Markup)
    assert render_markdown("") == Markup("")
    assert render_markdown(None) == Markup("")


def test_guidance_typed_one_point_a_line_keeps_its_lines():
    typed = "What do we know?\nHow do we know it?\r\nWhat worries us?\n\n- first\n- second\nLeave out BAU."
    assert str(render_lines(typed)) == (
        "<p>What do we know?</p>\n<p>How do we know it?</p>\n<p>What worries us?</p>\n"
        "<ul>\n<li>first</li>\n<li>second</li>\n</ul>\n<p>Leave out BAU.</p>\n"
    )
    escaped = "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n<p>Safe</p>\n"
    assert str(render_lines("<script>alert(1)</script>\nSafe")) == escaped
    assert render_lines("") == ""
