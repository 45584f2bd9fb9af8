"""gunicorn's settings for the ballot service.

Run as ``gunicorn -c python:tellers.service.gunicorn_conf tellers.service.wsgi``.  Every value
can be overridden on the command line or with ``GUNICORN_CMD_ARGS``.  gunicorn writes its own
access and error logs (not through Django's LOGGING), so its logger class adds the filter that
replaces voters' tokens in request paths (``/vote/<token>/`` → ``/vote/[redacted]/``).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]

from tellers.service.logging import RedactTokens


class RedactingLogger(Logger):  # type: ignore[misc]
    """gunicorn's logger, with voters' tokens redacted from access and error lines."""

    def setup(self, cfg: Any) -> None:
        """Set up gunicorn's handlers, then filter both loggers (once, across reloads)."""
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactTokens) for f in log.filters):
                log.addFilter(RedactTokens())


logger_class = RedactingLogger
bind = os.environ.get("TELLERS_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("TELLERS_WORKERS", "2"))
# The proxy in front terminates TLS; trust its X-Forwarded-* only from itself.
forwarded_allow_ips = os.environ.get("TELLERS_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = os.environ.get("TELLERS_ACCESS_LOG", "-")
errorlog = os.environ.get("TELLERS_ERROR_LOG", "-")
# The request line (%(r)s) carries the path; the logger class redacts tokens from it.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms'
# The count of a national ballot runs in the returning officer's request (the election's key
# must not travel through the broker: docs/architecture.md): 500,000 ballots take 17-20 s on
# a quiet two-core machine and over a minute on a loaded one, so a worker gets five minutes
# before it is presumed hung.  The transaction rolls back if it is killed all the same.
timeout = int(os.environ.get("TELLERS_TIMEOUT", "300"))
