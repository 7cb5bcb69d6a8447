"""The table of contents of a report page, collected while nbconvert renders it.

:class:`TocPreprocessor` reads the markdown nbconvert turns into HTML (markdown
cells, and the markdown outputs of code cells such as ``display(Markdown("###
..."))``), parses it with nbconvert's own markdown renderer and keeps each
``##``/``###`` heading with the anchor id nbconvert's ``add_anchor`` gives it,
so every link of the contents resolves. ``report.html.j2`` draws the contents
after the first ``#`` heading (at the top of the page when there is none).
"""

from __future__ import annotations

from typing import Any, NamedTuple
from xml.etree import ElementTree

from nbconvert.filters import add_anchor, html2text
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from nbconvert.preprocessors import Preprocessor
from nbformat import NotebookNode

#: Metadata key of the cell whose first ``#`` heading the contents follow.
AFTER_KEY = "targets_toc_after"


class Heading(NamedTuple):
    """One heading of a page: its level (1 to 6), anchor id and plain text."""

    level: int
    anchor: str
    text: str


class _Collect(IPythonRenderer):
    """nbconvert's markdown renderer, noting each heading it renders."""

    def __init__(self) -> None:
        super().__init__(escape=False, exclude_anchor_links=True)
        self.found: list[Heading] = []

    def heading(self, text: str, level: int, **attrs: Any) -> str:
        html = super().heading(text, level, **attrs)
        try:  # the id is the one nbconvert's page carries (it skips what it cannot parse)
            anchor = ElementTree.fromstring(add_anchor(html)).get("id")
            plain = html2text(ElementTree.fromstring(html)).strip()
        except ElementTree.ParseError:
            return html
        if anchor:
            self.found.append(Heading(level, anchor, plain))
        return html


def headings(markdown: str) -> list[Heading]:
    """The headings of ``markdown`` with the anchor ids nbconvert's HTML gives them.

    Examples
    --------
    >>> for h in headings("# Title\\n\\n## Growth & *rates*\\n\\n    ## code, not a heading"):
    ...     print(h.level, h.anchor, h.text)
    1 Title Title
    2 Growth-&-rates Growth & rates
    """
    renderer = _Collect()
    MarkdownWithMath(renderer=renderer).render(markdown)
    return renderer.found


class TocPreprocessor(Preprocessor):
    """Put the page's ``##`` and ``###`` headings in ``resources["targets_toc"]``.

    The cell holding the first ``#`` heading gets ``metadata[AFTER_KEY]``; the
    notebook is nbconvert's copy, not the caller's.
    """

    def preprocess(
        self, nb: NotebookNode, resources: dict[str, Any]
    ) -> tuple[NotebookNode, dict[str, Any]]:
        toc: list[Heading] = []
        placed = False
        for cell in nb.cells:
            found = [h for text in self._markdown(cell) for h in headings(text)]
            if not placed and any(h.level == 1 for h in found):
                cell.metadata[AFTER_KEY] = placed = True
            toc += [h for h in found if h.level in (2, 3)]
        resources["targets_toc"] = toc
        resources["targets_toc_placed"] = placed
        return nb, resources

    def _markdown(self, cell: NotebookNode) -> list[str]:
        """The markdown nbconvert renders for ``cell``: its source, or its outputs shown as
        markdown (those whose first mimetype by display priority is ``text/markdown``)."""
        if cell.cell_type == "markdown":
            return [cell.source]
        shown = []
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            first = next((m for m in self.display_data_priority if m in data), None)
            if first == "text/markdown":
                shown.append(data[first])
        return shown
