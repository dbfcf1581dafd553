"""Big buffers go back to the operating system when freed.

glibc serves an allocation above its mmap threshold with a mapping of its own, unmapped on
free; but it raises that threshold (up to 32 MB) each time such a mapping is freed, after
which decoded images of 16 MB blocks come from the per-thread heaps instead, which keep
them after they are freed. Threads that took turns within the decode budget then held a
freed image each: four decodes of a 64 MB PNG one after another left a process 1.8 times
the size of one (tests/test_decode_memory.py). A fixed threshold stops the raising."""

from __future__ import annotations

import ctypes
import ctypes.util

# mallopt's parameter number for the threshold (glibc's malloc.h), and the value: above
# it, always a mapping of its own.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1024 * 1024


def return_big_buffers() -> bool:
    """Fix glibc's mmap threshold for this process; False where the C library is not
    glibc (musl maps big buffers on its own)."""
    name = ctypes.util.find_library("c")
    if not name:
        return False
    try:
        libc = ctypes.CDLL(name)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
