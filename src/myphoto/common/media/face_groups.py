"""Which faces are one person's: a new face joins the nearest person within a distance, and
a whole library is grouped again by chinese whispers (dlib's graph clustering) over the
pairs of faces within it. Descriptors are `faces.find_faces`' 128 numbers."""

from __future__ import annotations

from collections.abc import Collection

import numpy as np

# Two faces at most this far apart are taken for one person. dlib's model tells people
# apart at 0.6 with 99.4 % accuracy on pairs; grouping chains many pairs, and a wrong
# face in a person is worse than a person found twice (merging is one press), so less.
# On the labelled faces of bench/rediscover.py: pairwise precision and recall by distance.
JOIN_DISTANCE = 0.5


def nearest_within(
    centres: np.ndarray, face: np.ndarray, *, limit: float, excluded: Collection[int] = ()
) -> int | None:
    """The row of `centres` nearest to `face` if it is within `limit`, skipping `excluded`
    rows (people already found in the same photo: one face a person a photo)."""
    if not len(centres):
        return None
    distances = np.linalg.norm(centres - face, axis=1)
    if excluded:
        distances[list(excluded)] = np.inf
    best = int(np.argmin(distances))
    return best if distances[best] <= limit else None


def clusters(vectors: np.ndarray, *, limit: float = JOIN_DISTANCE) -> list[int]:
    """A cluster label for each row: chinese whispers over the graph of faces within
    `limit` of each other (dlib builds the graph of every pair in C++)."""
    if not len(vectors):
        return []
    import dlib

    rows = [dlib.vector(row.astype(np.float64).tolist()) for row in vectors]
    return [int(label) for label in dlib.chinese_whispers_clustering(rows, limit)]


def mean(vectors: np.ndarray) -> np.ndarray:
    """The centre of a person's faces, that new faces are compared with."""
    centre: np.ndarray = np.asarray(vectors, dtype=np.float32).mean(axis=0)
    return centre
