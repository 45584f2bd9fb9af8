"""Settings for forked worker processes, shared by the batch count and the RCTab reader.

Both fork one worker per core and hand each a stream of files of a few megabytes.  Two costs
of that are not the work itself: pages the parent owns being copied into every worker when
its garbage collector walks them, and each file's buffers being fresh mappings that the
kernel must fault in again and again.  These helpers avoid both; neither changes a result.
"""

from __future__ import annotations

import ctypes
import gc
import signal
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["forking", "keep_freed_memory"]

#: glibc's mallopt parameters (malloc.h): M_TRIM_THRESHOLD and M_MMAP_THRESHOLD.
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3


def keep_freed_memory() -> None:
    """Have glibc's malloc keep freed blocks of up to 32 MiB for reuse, in this process only.

    A file's inflated text and parsed columns are a few megabytes each: by default every one
    is a fresh mmap, unmapped when freed, so the next file faults in new pages (about 90,000
    faults, a tenth of the CPU, over the 93 NSW districts).  Kept in the heap, the pages are
    reused.  Elsewhere than glibc this does nothing.
    """
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(_M_TRIM_THRESHOLD, 256 << 20)
    except (OSError, AttributeError):
        pass


@contextmanager
def forking() -> Iterator[None]:
    """Fork workers inside this block: what they inherit is frozen for their collectors.

    Otherwise each worker's first collection visits every inherited object, and writing its
    reference count copies the page it lives on.  The parent's collector is unfrozen after.

    SIGINT is blocked while the workers are forked, and stays blocked in them: Ctrl-C goes to
    every process of the terminal's group, and a worker would print its own traceback.  The
    parent takes the interrupt (delivered when the block ends) and stops the workers.
    """
    block = hasattr(signal, "pthread_sigmask")
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT}) if block else set()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
        if block:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
