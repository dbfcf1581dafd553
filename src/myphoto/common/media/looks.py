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
# The hash is cut into four 16-bit bands; two photos are compared only where a band of
# theirs is equal (DESIGN.md's banded lookup), never every pair. Four bands alone find
# every pair within 3 bits but miss a third of those 6 apart, as a 2 % crop often is: the
# bands are taken again from the bits in two other (fixed) orders, twelve bands in all,
# which finds 97 % of what comparing every pair finds (bench/organise.py) in 1/27 of its
# time at 100,000 photos, and far less at a million.
BANDS = 4
_WIDTH = BITS // BANDS
_ORDERS = [np.arange(BITS)] + [np.random.default_rng(seed).permutation(BITS) for seed in (1, 2)]
# Candidate pairs compared at a time, so that a crowded band value (a burst of near-blank
# frames) cannot make them take the memory of the machine.
_CANDIDATES = 4_000_000


def similar_pairs(hashes: np.ndarray, *, max_distance: int = MAX_DISTANCE) -> np.ndarray:
    """The pairs (i < j, as rows of an n × 2 array) of hashes at most `max_distance` bits
    apart whose hashes share a band. Equal hashes are looked up once (a burst of blank
    frames is one value)."""
    values, inverse = np.unique(np.asarray(hashes, dtype=np.int64), return_inverse=True)
    unsigned = values.view(np.uint64)
    bits = np.unpackbits(unsigned.view(np.uint8).reshape(-1, 8), axis=1, bitorder="little")
    found = [_equal_pairs(inverse)]
    for order_of_bits in _ORDERS:
        packed = np.packbits(bits[:, order_of_bits], axis=1, bitorder="little")
        bands = np.ascontiguousarray(packed).view(np.uint16)  # n × 4 keys
        for band in range(BANDS):
            for left, right in _same_key_pairs(bands[:, band]):
                near = np.bitwise_count(unsigned[left] ^ unsigned[right]) <= max_distance
                found.append(_rows_of(inverse, left[near], right[near]))
    pairs = np.concatenate(found)
    return np.unique(pairs, axis=0) if len(pairs) else pairs


def _same_key_pairs(keys: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    """Every pair of rows with equal keys, once each: sorted (a radix sort, 16-bit keys),
    each row is paired with the rows after it in its run of equal keys."""
    count = len(keys)
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    first = np.r_[True, ordered[1:] != ordered[:-1]]
    starts = np.flatnonzero(first)
    run_end = np.r_[starts[1:], count][np.cumsum(first) - 1]
    positions = np.arange(count)
    later = run_end - positions - 1  # how many rows after each, in its run
    out = []
    for part in _parts(later):
        taken = later[part]
        total = int(taken.sum())
        left = np.repeat(order[part], taken)
        before = np.cumsum(taken) - taken
        right = order[np.repeat(positions[part] + 1 - before, taken) + np.arange(total)]
        out.append((left, right))
    return out


def _parts(per_row: np.ndarray) -> list[slice]:
    """Runs of rows with at most _CANDIDATES pairs in all (one when they are few)."""
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
