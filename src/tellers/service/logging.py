"""Keep voters' tokens out of the logs.

A voter's link is ``/vote/<token>/``; the first request carries the token in its path, and
the access logs of Django's dev server, Django's request logger (404s, 500s) and gunicorn
would each write it down.  :class:`RedactTokens` rewrites every such path to
``/vote/[redacted]/`` before any handler sees the record.
"""

from __future__ import annotations

import logging
import re

__all__ = ["REDACTED", "RedactTokens", "redact"]

REDACTED = "[redacted]"
# The fixed voter pages under /vote/ are not tokens and stay readable in the logs.
_TOKEN_PATH = re.compile(r"/vote/(?!(?:ballot|review|receipt)/)[^/\s?#\"']+")
# Hustings links (a member's sign-in, a candidate's answer link) carry tokens too.
_HUSTINGS_PATH = re.compile(r"(/hustings/\d+/(?:link|answer)/)[^/\s?#\"']+")
# A member's nominations link too.
_NOMINATIONS_PATH = re.compile(r"(/nominations/link/)[^/\s?#\"']+")


def redact(text: str) -> str:
    """Return ``text`` with the token of every voting (or hustings) link replaced."""
    text = _HUSTINGS_PATH.sub(rf"\g<1>{REDACTED}", text)
    text = _NOMINATIONS_PATH.sub(rf"\g<1>{REDACTED}", text)
    return _TOKEN_PATH.sub(f"/vote/{REDACTED}", text)


class RedactTokens(logging.Filter):
    """Rewrite a record's message (and any traceback text) without voters' tokens."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the formatted message in place; never drop the record."""
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is logging's problem, not ours to hide
            return True
        cleaned = redact(message)
        if cleaned != message:
            record.msg = cleaned
            record.args = None
        # gunicorn formats its access line from these atoms, not from msg: clean them too.
        if isinstance(record.args, dict):
            record.args = {
                k: redact(v) if isinstance(v, str) else v for k, v in record.args.items()
            }
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True
