"""Self-contained HTML reports (inline CSS and SVG, no script, nothing fetched).

- :func:`render_count` — a count's result sheet as a whole document (``tellers count
  --format html``); :func:`render_count_fragment` — the same as one ``<section>`` for a host
  page (include :data:`STYLE` in its ``<style>``).  See :mod:`tellers.report.html.count`.
- :mod:`tellers.report.html._page` — the page shell the other HTML renderers share.
- :mod:`tellers.report.html.charts` — the SVG bar charts and the flow (Sankey) diagram.
"""

from __future__ import annotations

from ._page import STYLE
from .count import Counted, render_count, render_count_fragment, render_counts

__all__ = ["STYLE", "Counted", "render_count", "render_count_fragment", "render_counts"]
