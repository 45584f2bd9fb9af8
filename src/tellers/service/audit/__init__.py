"""The append-only, hash-chained log of every consequential act (``tellers audit verify``)."""
