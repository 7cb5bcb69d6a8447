"""The contents of a report page: nbconvert's headings and anchors, after the first heading.

No kernel runs: render_html takes a notebook whose outputs are written here.
"""

from __future__ import annotations

import copy
import re
from html.parser import HTMLParser

from nbformat import v4

from targets.report.render import render_html


class _Page(HTMLParser):
    """Every id on the page, and the contents' links in order."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.links: list[tuple[str, str]] = []  # (li class, href)
        self._li = ""
        self._in_nav = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "nav" and a.get("class") == "targets-toc":
            self._in_nav = True
        elif self._in_nav and tag == "li":
            self._li = a.get("class", "")
        elif self._in_nav and tag == "a":
            self.links.append((self._li, a["href"]))

    def handle_endtag(self, tag):
        if tag == "nav":
            self._in_nav = False


def _parse(page: str) -> _Page:
    parsed = _Page()
    parsed.feed(page)
    return parsed


def _notebook():
    shown = v4.new_code_cell("display(Markdown('### From code'))")
    shown.outputs = [
        v4.new_output("display_data", data={"text/markdown": "### From code & <b>x</b>"})
    ]
    hidden = v4.new_code_cell("df")  # shown as HTML, so its markdown is not on the page
    hidden.outputs = [
        v4.new_output("display_data", data={"text/html": "<p>t</p>", "text/markdown": "## No"})
    ]
    return v4.new_notebook(
        cells=[
            v4.new_markdown_cell("Before the title."),
            v4.new_markdown_cell("# The title\n\nUnder the title."),
            v4.new_markdown_cell('## A & B: "quoted"\n\n### Sub *emph* `code`'),
            shown,
            hidden,
            v4.new_markdown_cell("## Ünïcode é 100%\n\n## Rate $r_t$\n\n#### Too deep"),
            v4.new_markdown_cell("Setext\n------\n\n```\n## in a code block\n```"),
        ]
    )


def test_the_contents_list_the_headings_in_order_and_every_link_resolves():
    page = _parse(render_html(_notebook()))
    assert page.links == [
        ("level-2", "#A-&-B:-%22quoted%22"),
        ("level-3", "#Sub-emph-code"),
        ("level-3", "#From-code-&-x"),
        ("level-2", "#%C3%9Cn%C3%AFcode-%C3%A9-100%25"),
        ("level-2", "#Rate-$r_t$"),
        ("level-2", "#Setext"),
    ]
    assert {href[1:] for _, href in page.links} <= page.ids


def test_the_contents_follow_the_first_heading():
    html = render_html(_notebook())
    assert len(re.findall(r'<nav [^>]*class="targets-toc"', html)) == 1
    assert re.search(r'</h1><nav aria-label="Contents" class="targets-toc"><strong>Contents', html)
    assert html.index("Before the title.") < html.index("<nav ") < html.index("Under the")


def test_a_page_without_a_title_gets_the_contents_at_the_top():
    nb = v4.new_notebook(cells=[v4.new_markdown_cell("Text.\n\n## Only section")])
    html = render_html(nb)
    assert re.search(r'<main>\s*<nav aria-label="Contents" class="targets-toc">', html)
    assert _parse(html).links == [("level-2", "#Only-section")]


def test_a_page_without_sections_has_no_contents():
    html = render_html(v4.new_notebook(cells=[v4.new_markdown_cell("# Title\n\nText.")]))
    assert "<nav" not in html


def test_the_callers_notebook_is_not_changed():
    nb = _notebook()
    before = copy.deepcopy(nb)
    render_html(nb)
    assert nb == before
