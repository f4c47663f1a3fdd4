"""Arrow's memory allocator, chosen for a command that reads a big sheet once and exits.

pyarrow's default allocator (mimalloc in the Linux wheels) keeps freed pages for reuse. Reading and checking a
catalogue makes many short-lived whole-column copies, so the process ends up holding hundreds of megabytes that no
longer hold data. Measured on 1,000,000 SKUs (a 508 MB Arrow table) on 2 cores:

| allocator | `validate` peak | `diff` CPU time in the kernel |
|---|---|---|
| mimalloc (pyarrow's default) | 1,470 MB | about 1.0-1.5 s |
| jemalloc, default decay (1 s) | 1,130 MB | about 1.0 s |
| jemalloc, decay 0 (freed pages returned at once) | 980 MB | about 1.5-1.9 s |

So every command uses jemalloc, and ``validate``, which holds and checks every column of the sheet (and runs on
small CI machines), also returns freed pages at once; ``diff`` and ``push`` read only the columns their channels
use and keep the cheaper default decay.
"""

from __future__ import annotations

import os

#: The environment variable Arrow reads for its allocator: when the user set it, their choice stands.
POOL_VARIABLE = "ARROW_DEFAULT_MEMORY_POOL"


def use_frugal_pool() -> bool:
    """Make jemalloc Arrow's default allocator. False where this pyarrow build has no jemalloc (Windows wheels) or
    the user chose an allocator in ``ARROW_DEFAULT_MEMORY_POOL``."""
    if os.environ.get(POOL_VARIABLE):
        return False
    import pyarrow as pa

    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # pyarrow.ArrowNotImplementedError: built without jemalloc
        return False
    pa.set_memory_pool(pool)
    return True


def return_freed_pages() -> bool:
    """Have jemalloc hand freed pages back to the system at once (lower peak memory, more page faults). False when
    jemalloc is not Arrow's allocator."""
    import pyarrow as pa

    if pa.default_memory_pool().backend_name != "jemalloc":
        return False
    pa.jemalloc_set_decay_ms(0)
    return True
