"""Reading tables and boxes back out of the summary's HTML, for checking every number."""

from __future__ import annotations

from html.parser import HTMLParser


class _Tables(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.boxes: list[str] = []
        self._table: str | None = None
        self._row: list[str] | None = None
        self._cell: list[str] | None = None
        self._box: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        cls = dict(attrs).get("class") or ""
        if tag == "table":
            self._table = cls
            self.tables[cls] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag == "div" and cls == "box":
            self._box = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None and self._table is not None:
            self.tables[self._table].append(self._row)
            self._row = None
        elif tag == "table":
            self._table = None
        elif tag == "div" and self._box is not None:
            self.boxes.append(" ".join(" ".join(self._box).split()))
            self._box = None

    def handle_data(self, data: str) -> None:
        for target in (self._cell, self._box):
            if target is not None:
                target.append(data)


def tables_of(html: str) -> tuple[dict[str, list[list[str]]], list[str]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables, parser.boxes
