"""Faces in a picture: where they are (dlib's HOG detector) and what they look like (dlib's
ResNet: 128 numbers a face, less than about 0.6 apart for one person), with the trained
models of the `face-recognition-models` wheel. Nothing here knows of photos or people.

The detector is run on the picture as given, not enlarged first: a face must be at least
its 80-pixel window, 5 % of the md derivative's 1,600 pixels. Enlarging twice finds faces
half that size at four times the cost (bench/rediscover.py); only pictures too small to
hold a face of 80 pixels among others are enlarged.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any

import numpy as np
from PIL import Image

# The numbers of a face, as stored: 128 little-endian float32.
DESCRIPTOR_SIZE = 128
DESCRIPTOR_TYPE = np.dtype("<f4")
DESCRIPTOR_BYTES = DESCRIPTOR_SIZE * DESCRIPTOR_TYPE.itemsize
# Faces described at most in one picture (the most certain first): a crowd's every face
# would cost a tenth of a second each for people nobody names.
MAX_FACES = 100
# The detector's score below which a find is more often a pattern than a face (a sleeve, a
# tree's bark): dlib's own threshold is 0; its finds under 0.25 were patterns in our
# samples, its faces scored 0.3 and more.
MIN_SCORE = 0.25
# A picture smaller than this (a scan, an old phone's photo) is looked at twice as large,
# so that faces of 40 pixels are found in it, at a cost its size makes small.
ENLARGE_BELOW = 1000

# dlib's models are not known to be safe to share between threads; each is used by one at
# a time (the job worker runs one job a process; the web server never finds faces).
_models_lock = threading.Lock()


@dataclass(frozen=True)
class FoundFace:
    # Left, top, right and bottom as fractions of the picture's width and height.
    box: tuple[float, float, float, float]
    descriptor: bytes
    score: float


@cache
def _models() -> tuple[Any, Any, Any]:
    import dlib
    import face_recognition_models as trained

    return (
        dlib.get_frontal_face_detector(),
        dlib.shape_predictor(trained.pose_predictor_five_point_model_location()),
        dlib.face_recognition_model_v1(trained.face_recognition_model_location()),
    )


def find_faces(picture: Image.Image) -> list[FoundFace]:
    """The faces in a picture, the most certain first."""
    pixels = np.asarray(picture.convert("RGB"))
    height, width = pixels.shape[:2]
    with _models_lock:
        detector, landmarks, describer = _models()
        boxes, scores, _ = detector.run(pixels, int(max(width, height) < ENLARGE_BELOW), 0.0)
        found = sorted(zip(scores, boxes, strict=True), key=lambda pair: -pair[0])
        found = [(score, box) for score, box in found if score >= MIN_SCORE][:MAX_FACES]
        if not found:
            return []
        import dlib

        shapes = dlib.full_object_detections([landmarks(pixels, box) for _, box in found])
        descriptors = describer.compute_face_descriptor(pixels, shapes)
    faces = []
    for (score, box), numbers in zip(found, descriptors, strict=True):
        left, top = max(box.left(), 0) / width, max(box.top(), 0) / height
        right, bottom = min(box.right(), width) / width, min(box.bottom(), height) / height
        faces.append(
            FoundFace(
                box=(left, top, right, bottom),
                descriptor=np.asarray(numbers, dtype=DESCRIPTOR_TYPE).tobytes(),
                score=float(score),
            )
        )
    return faces


def find_faces_in(data: bytes) -> list[FoundFace]:
    """The faces in an encoded picture (a WebP derivative)."""
    with Image.open(io.BytesIO(data)) as picture:
        return find_faces(picture)


def descriptors(values: list[bytes]) -> np.ndarray:
    """Stored descriptors as an n × 128 array."""
    if not values:
        return np.zeros((0, DESCRIPTOR_SIZE), dtype=np.float32)
    return np.frombuffer(b"".join(values), dtype=DESCRIPTOR_TYPE).reshape(-1, DESCRIPTOR_SIZE)


def as_bytes(descriptor: np.ndarray) -> bytes:
    return np.asarray(descriptor, dtype=DESCRIPTOR_TYPE).tobytes()
