"""Arrow's memory allocator, chosen for a command that reads a big sheet once and exits.

pyarrow's default allocator (mimalloc in the Linux wheels) keeps freed pages for reuse. Reading and checking a
catalogue makes many short-lived whole-column copies, so the process ends up holding hundreds of megabytes that no
longer hold data: measured on 1,000,000 SKUs (a 508 MB Arrow table), `chansync validate` peaked at 1,470 MB with
mimalloc and 1,230 MB with jemalloc at its default decay, with Arrow itself holding about 630 MB. jemalloc told to
give freed pages back at once (decay 0) keeps the peak close to what is really in use.
"""

from __future__ import annotations

import os

#: The environment variable Arrow reads for its allocator: when the user set it, their choice stands.
POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_frugal_pool() -> bool:
    """Make jemalloc, returning freed pages at once, Arrow's default allocator. False where this pyarrow build has
    no jemalloc (Windows wheels) or the user chose an allocator in ``ARROW_DEFAULT_MEMORY_POOL``."""
    if os.environ.get(POOL_VARIABLE):
        return False
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
        pa.jemalloc_set_decay_ms(0)
    except NotImplementedError:  # pyarrow.ArrowNotImplementedError: built without jemalloc
        return False
    pa.set_memory_pool(pool)
    return True
