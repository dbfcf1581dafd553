"""Background jobs. They take ids, are safe to run twice, and never lose a photo."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import default_task_backend, task

from .services import derivatives, faces
from .storage import StorageUnavailable

logger = logging.getLogger(__name__)


@task()
def make_derivatives(photo_id: str, attempt: int = 1) -> None:
    """Make a photo's sm and md derivatives; retry later if the storage is down."""
    try:
        made = derivatives.photo_make_derivatives_or_record_failure(photo_id=photo_id)
    except StorageUnavailable as err:
        # boto3 has already retried this request; try the whole job again later.
        if attempt < settings.MYPHOTO_JOB_RETRIES and default_task_backend.supports_defer:
            delay = timedelta(seconds=settings.MYPHOTO_JOB_RETRY_SECONDS * 2 ** (attempt - 1))
            logger.warning("storage unavailable for photo %s, retrying in %s", photo_id, delay)
            make_derivatives.using(run_after=timezone.now() + delay).enqueue(photo_id, attempt + 1)
            return
        derivatives.photo_record_derivatives_failure(
            photo_id=photo_id, reason=f"Storage was unavailable: {err}"
        )
        return
    if made and settings.MYPHOTO_FACES:
        find_faces.enqueue(photo_id)


@task()
def find_faces(photo_id: str) -> None:
    """Find the faces in a photo's md derivative and group them into people; a photo whose
    derivative is gone by then is left to `myphoto faces --missing`."""
    try:
        faces.photo_find_faces(photo_id=photo_id)
    except StorageUnavailable as err:
        logger.warning("storage unavailable for the faces of photo %s: %s", photo_id, err)


@task()
def make_derivatives_of(photo_ids: list[str]) -> None:
    """Several photos' derivatives, one after another (each retried alone, as
    `make_derivatives`): a scan finds photos by the thousand, and a job for every one would
    cost the scan a queue insert each."""
    for photo_id in photo_ids:
        make_derivatives.call(photo_id)


# Photos a `make_derivatives_of` job takes: few enough that several workers share a scan's.
DERIVATIVES_PER_JOB = 20


def enqueue_derivatives(photo_id: str) -> None:
    make_derivatives.enqueue(photo_id)


def enqueue_derivatives_of(photo_ids: list[str]) -> None:
    """Queue the derivatives of many photos, DERIVATIVES_PER_JOB to a job."""
    for start in range(0, len(photo_ids), DERIVATIVES_PER_JOB):
        make_derivatives_of.enqueue(photo_ids[start : start + DERIVATIVES_PER_JOB])
