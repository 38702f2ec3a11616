"""Section properties (w:sectPr): page size, margins, header and footer references, title page.

Drafts and fact sheets are one section. A letter's first page differs from the rest (w:titlePg):
page 1 carries the letterhead and no page number; continuation pages are plain and numbered.
"""
from __future__ import annotations

from drafter.formats.docx.oxml import esc

PAGE_W, PAGE_H, MARGIN = 12240, 15840, 1440   # US Letter, one-inch margins (twentieths of a point)
MARGIN_DEFAULTS = {"top": MARGIN, "right": MARGIN, "bottom": MARGIN, "left": MARGIN,
                   "header": 720, "footer": 720, "gutter": 0}


def _attrs(values: dict) -> str:
    return " ".join(f'w:{k}="{esc(v)}"' for k, v in values.items())


def section_properties(refs=(), page: dict | None = None, margins: dict | None = None,
                       title_page: bool = True) -> str:
    """A w:sectPr, children in schema order. `refs` are (header|footer, default|first, rId);
    `page` the w:pgSz attributes (w, h, orient), `margins` the w:pgMar ones: missing values
    take US Letter and one-inch margins."""
    refs_xml = "".join(f'<w:{kind}Reference w:type="{typ}" r:id="{rid}"/>'
                       for want in ("header", "footer") for kind, typ, rid in refs if kind == want)
    size = {"w": PAGE_W, "h": PAGE_H, **(page or {})}
    mar = {k: (margins or {}).get(k, d) for k, d in MARGIN_DEFAULTS.items()}
    return (f"<w:sectPr>{refs_xml}<w:pgSz {_attrs(size)}/><w:pgMar {_attrs(mar)}/>"
            f'<w:cols w:space="720"/>{"<w:titlePg/>" if title_page else ""}</w:sectPr>')
