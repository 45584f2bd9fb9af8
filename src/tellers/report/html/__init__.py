"""Self-contained HTML reports (inline CSS and SVG, no script, nothing fetched).

See :mod:`tellers.report.html.count` for the count's result sheet and
:mod:`tellers.report.html._page` for the shared page shell.
"""

from __future__ import annotations
