"""The result sheet as PDF, laid out by WeasyPrint from the HTML's print stylesheet.

WeasyPrint is a maintained HTML/CSS layout engine in Python (text by pango, SVG drawn
natively): no browser is started.  It is an optional dependency
(``pip install 'tellers[pdf]'``); without it :func:`to_pdf` says how to get it.  Nothing is
fetched: the pages hold no address, and the fetcher given to WeasyPrint refuses any.
"""

from __future__ import annotations

from typing import Any, NoReturn

from ...errors import ConfigurationError

__all__ = ["to_pdf"]


def _refuse(url: str, *args: Any, **kwargs: Any) -> NoReturn:
    """Refuse every fetch: a self-contained page needs none."""
    raise ValueError(f"the result sheet fetches nothing (asked for {url})")


def to_pdf(page: str) -> bytes:
    """Return a whole HTML document (from :func:`render_count`) as PDF bytes (A4 landscape)."""
    try:
        import weasyprint  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError:
        raise ConfigurationError(
            "PDF output needs WeasyPrint: pip install 'tellers[pdf]' (or use --format html "
            "and print it from a browser)"
        ) from None
    pdf: bytes = weasyprint.HTML(string=page, url_fetcher=_refuse).write_pdf()
    return pdf
