"""What a photo looks like, as 64 bits: a perceptual hash (DCT of a 32 × 32 grey image,
`imagehash.phash`) that a re-save, a resize or a small crop barely changes, unlike its
bytes. Kept as a signed 64-bit integer, as databases store them."""

from __future__ import annotations

import io

import imagehash
import numpy as np
from PIL import Image
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

BITS = 64
_SIGN = 1 << (BITS - 1)


def perceptual_hash(image: Image.Image) -> int:
    """The image's 64-bit perceptual hash, as a signed integer."""
    bits = imagehash.phash(image).hash.flatten()
    unsigned = int("".join("1" if bit else "0" for bit in bits), 2)
    return unsigned - (1 << BITS) if unsigned & _SIGN else unsigned


def perceptual_hash_of(data: bytes) -> int:
    """The perceptual hash of an encoded image (a WebP thumbnail)."""
    with Image.open(io.BytesIO(data)) as image:
        return perceptual_hash(image.convert("RGB"))


def distance(a: int, b: int) -> int:
    """How many of their 64 bits differ."""
    return ((a ^ b) & ((1 << BITS) - 1)).bit_count()


# Look-alikes: at most this many of 64 bits apart (a re-save, a resize, a small crop).
MAX_DISTANCE = 8
# The hash is cut into bands; two photos are compared only where a band of theirs is equal
# or one bit apart (so every pair within 7 bits is found, and most within 8), never every
# pair: a million photos stay fast (DESIGN.md's banded lookup).
BANDS = 4
_WIDTH = BITS // BANDS
_VALUES = 1 << _WIDTH
_PROBES = np.array([0] + [1 << bit for bit in range(_WIDTH)], dtype=np.int32)
# Candidate pairs compared at a time, so that a crowded band value (blank photos) cannot
# make them take the memory of the machine.
_CANDIDATES = 4_000_000


def similar_pairs(hashes: np.ndarray, *, max_distance: int = MAX_DISTANCE) -> np.ndarray:
    """The pairs (i < j, as rows of an n × 2 array) of hashes at most `max_distance` bits
    apart, found through equal or one-bit-apart bands: each band's values are counted and
    laid out once (as a sparse matrix's rows are), so that a probe is a lookup, not a
    search. Equal hashes are looked up once (a burst of blank frames is one value)."""
    values, inverse = np.unique(np.asarray(hashes, dtype=np.int64), return_inverse=True)
    unsigned = values.view(np.uint64)
    found = [_equal_pairs(inverse)]
    for band in range(BANDS):
        keys = ((unsigned >> np.uint64(band * _WIDTH)) & np.uint64(_VALUES - 1)).astype(np.uint16)
        # 32-bit positions and counts: half the memory to stream through as 64-bit ones.
        counts = np.bincount(keys, minlength=_VALUES).astype(np.int32)
        starts = (np.cumsum(counts) - counts).astype(np.int32)
        order = np.argsort(keys, kind="stable").astype(np.int32)  # radix: 16-bit keys
        # Every hash with every probe at once, as an n × probes table. A pair one bit apart
        # is found from both ends: only from the one whose band value is the smaller.
        wanted = keys.astype(np.int32)[:, None] ^ _PROBES[None, :]
        matches = counts[wanted]
        matches[:, 1:][wanted[:, 1:] < keys[:, None]] = 0
        for rows in _parts(matches.sum(axis=1)):
            left, right = _expand(rows, wanted[rows], matches[rows], starts, order)
            # An equal band finds a pair from both ends: once, from its lower row.
            keep = (left < right) | (keys[left] != keys[right])
            left, right = left[keep], right[keep]
            near = np.bitwise_count(unsigned[left] ^ unsigned[right]) <= max_distance
            found.append(_rows_of(inverse, left[near], right[near]))
    pairs = np.concatenate(found)
    return np.unique(pairs, axis=0) if len(pairs) else pairs


def _expand(
    rows: slice, wanted: np.ndarray, matches: np.ndarray, starts: np.ndarray, order: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Each (hash, probe) with every hash whose band value the probe asks for: those lie at
    order[start:start + count], run together."""
    flat = matches.ravel()
    total = int(flat.sum())
    left = np.repeat(np.arange(rows.start, rows.stop, dtype=np.int32), matches.sum(axis=1))
    before = (np.cumsum(flat) - flat).astype(np.int32)
    first = np.repeat(starts[wanted.ravel()] - before, flat)
    right = order[first + np.arange(total, dtype=np.int32)]
    return left, right


def _parts(per_row: np.ndarray) -> list[slice]:
    """Runs of rows with at most _CANDIDATES matches in all (one when they are few)."""
    total = int(per_row.sum())
    if total <= _CANDIDATES:
        return [slice(0, len(per_row))] if total else []
    ends = np.searchsorted(np.cumsum(per_row), np.arange(_CANDIDATES, total, _CANDIDATES))
    bounds = [0, *np.unique(ends).tolist(), len(per_row)]
    return [slice(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _equal_pairs(inverse: np.ndarray) -> np.ndarray:
    """Rows with the same hash: each joined to the first of them (enough for groups)."""
    order = np.argsort(inverse, kind="stable")
    ordered = inverse[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    heads = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    same = ~first
    return np.column_stack((order[heads[same]], order[same]))


def _rows_of(inverse: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Pairs of distinct hashes as pairs of rows: the first row of each hash stands for it
    (`_equal_pairs` joins the others)."""
    first = np.full(inverse.max() + 1 if len(inverse) else 0, -1, dtype=np.int64)
    rows = np.arange(len(inverse))
    first[inverse[::-1]] = rows[::-1]
    a, b = first[left], first[right]
    return np.column_stack((np.minimum(a, b), np.maximum(a, b)))


def all_pairs(hashes: np.ndarray, *, max_distance: int = MAX_DISTANCE) -> np.ndarray:
    """The same pairs by comparing every hash with every other: the yardstick the banded
    lookup is measured against (`bench/organise.py`), never used to serve a page."""
    unsigned = np.ascontiguousarray(hashes, dtype=np.int64).view(np.uint64)
    found = [np.empty((0, 2), dtype=np.int64)]
    for i in range(len(unsigned) - 1):
        near = np.flatnonzero(np.bitwise_count(unsigned[i + 1 :] ^ unsigned[i]) <= max_distance)
        if len(near):
            found.append(np.column_stack((np.full(len(near), i), near + i + 1)))
    return np.concatenate(found)


def groups(count: int, pairs: np.ndarray) -> list[np.ndarray]:
    """The look-alike groups (indices, two or more each) the pairs join, transitively."""
    if not len(pairs):
        return []
    graph = coo_matrix(
        (np.ones(len(pairs), dtype=np.int8), (pairs[:, 0], pairs[:, 1])), shape=(count, count)
    )
    _, labels = connected_components(graph, directed=False)
    order = np.argsort(labels, kind="stable")
    ordered = labels[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    return [part for part in np.split(order, starts[1:]) if len(part) > 1]
