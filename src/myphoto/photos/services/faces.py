"""Finding the faces in a photo: read from its md derivative (a video's poster), described,
and recorded with the people they join in one transaction, or not at all.

A run reads the derivative, finds its faces (the slow part, outside any transaction),
then records them only if the photo still has that derivative: the faces found before
in the photo go and these take their place, so that a run killed anywhere leaves either
the faces of before or these, never both, and the next run finds them again.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from uuid import UUID

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from PIL import Image

from ...common.media.faces import FoundFace, find_faces_in
from ..models import Face, Photo
from ..storage import ObjectMissing, get_storage
from .people import people_join, people_lock

logger = logging.getLogger(__name__)


def photos_missing_faces() -> QuerySet[Photo]:
    """Photos (and videos, by their poster) whose faces are not found yet, or were found in
    a derivative since remade: those in the trash too (restored, they are looked at)."""
    return (
        Photo.objects.filter(derivatives_ready=True, part_of__isnull=True)
        .exclude(preview_key="")
        .exclude(faces_of=F("preview_key"))
    )


def photo_faces_to_find(photo_id: UUID | str) -> tuple[Photo, bytes] | None:
    """The photo and the bytes of its md derivative, if its faces are still to be found."""
    photo = photos_missing_faces().filter(pk=photo_id).first()
    if photo is None:
        return None
    try:
        return photo, get_storage().read_bytes(photo.preview_key)
    except ObjectMissing:
        logger.warning("the md derivative of photo %s is missing; its faces wait", photo_id)
        return None


def photo_record_faces(*, photo: Photo, preview_key: str, found: Sequence[FoundFace]) -> bool:
    """Record the faces found in `preview_key` as the photo's, joined to people; False if
    the photo has another derivative by now (turned, purged), which its own run looks at."""
    with transaction.atomic():
        # First, as every change to people: one owner's faces are grouped one photo at a
        # time (two photos of a new person recorded at once would each make the person).
        people_lock(photo.owner_id)
        recorded = Photo.objects.filter(pk=photo.pk, preview_key=preview_key).update(
            faces_of=preview_key
        )
        if not recorded:
            return False
        before = list(Face.objects.filter(photo=photo).values_list("person", flat=True))
        Face.objects.filter(photo=photo).delete()
        faces = Face.objects.bulk_create(
            Face(
                owner_id=photo.owner_id,
                photo=photo,
                left=face.box[0],
                top=face.box[1],
                right=face.box[2],
                bottom=face.box[3],
                descriptor=face.descriptor,
                score=face.score,
            )
            for face in found
        )
        people_join(owner_id=photo.owner_id, faces=faces, left=[p for p in before if p])
    return True


def photo_find_faces(*, photo_id: UUID | str) -> bool:
    """Find and record the photo's faces unless they are found already; True if this run
    recorded them."""
    if not settings.MYPHOTO_FACES:
        return False
    to_find = photo_faces_to_find(photo_id)
    if to_find is None:
        return False
    photo, data = to_find
    try:
        found = find_faces_in(data)
    except (OSError, ValueError) as err:  # an md derivative Pillow cannot read
        logger.warning("could not look for faces in photo %s: %s", photo_id, err)
        found = []
    recorded = photo_record_faces(photo=photo, preview_key=photo.preview_key, found=found)
    if recorded:
        logger.info("found %d faces in photo %s", len(found), photo_id)
    return recorded


# A face's crop: square, with this share of its size around it (hair, chin), this wide.
CROP_MARGIN = 0.3
CROP_SIZE = 192


def face_crop(face: Face) -> bytes:
    """The face cut from its photo's md derivative, square, as WebP (the People page's round
    pictures); made when asked, the browser keeping it (a face's box never changes)."""
    data = get_storage().read_bytes(face.photo.preview_key)
    with Image.open(io.BytesIO(data)) as picture:
        width, height = picture.size
        side = max((face.right - face.left) * width, (face.bottom - face.top) * height)
        side *= 1 + 2 * CROP_MARGIN
        middle_x = (face.left + face.right) / 2 * width
        middle_y = (face.top + face.bottom) / 2 * height
        left, top = round(middle_x - side / 2), round(middle_y - side / 2)
        square = picture.convert("RGB").crop((left, top, left + round(side), top + round(side)))
    square = square.resize((CROP_SIZE, CROP_SIZE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "WEBP", quality=80)
    return out.getvalue()
