"""A photo or video of a library, and the counts of its timeline's months."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ...common.filenames import with_extension
from ..search import TermsVector
from .places import Place


def camera_name(make: str, model: str) -> str | None:
    """ "Apple iPhone 15 Pro" from EXIF's make and model; None when neither is known."""
    make, model = make.strip(), model.strip()
    if model.lower().startswith(make.lower()):
        make = ""  # "Canon Canon EOS R5" reads badly; models often repeat the make
    return " ".join(part for part in (make, model) if part) or None


class PhotoManager(models.Manager["Photo"]):
    def get_queryset(self) -> PhotoQuerySet:
        # The search index's column is for the database alone.
        return PhotoQuerySet(self.model, using=self._db).defer("search_vector")

    def visible(self) -> PhotoQuerySet:
        return self.get_queryset().visible()

    def trashed(self) -> PhotoQuerySet:
        return self.get_queryset().trashed()


class PhotoQuerySet(models.QuerySet["Photo"]):
    def visible(self) -> PhotoQuerySet:
        # An adopted photo whose file is gone from its source is offline: out of every
        # view until the file comes back (the same row, the same id).
        return self.filter(deleted_at__isnull=True, offline=False)

    def trashed(self) -> PhotoQuerySet:
        return self.filter(deleted_at__isnull=False)


class TakenAtSource(models.TextChoices):
    EXIF = "exif", "EXIF DateTimeOriginal"
    # QuickTime's creation date (with its offset) or the container's creation time.
    VIDEO = "video", "the video's creation date"
    # Set by hand (a camera whose clock was wrong, a scan): no rescan or import overrides it.
    EDITED = "edited", "set by hand"
    # What the service the photo came from said (an import of Google Photos or iCloud):
    # an instant without a zone; like an edit, no rescan or later import overrides it.
    SIDECAR = "sidecar", "the service it was imported from"
    UPLOAD = "upload", "upload time"
    # A file of an adopted library that says nothing: its modification time.
    FILE = "file", "the file's modification time"


ROTATIONS = (0, 90, 180, 270)


class Kind(models.TextChoices):
    PHOTO = "photo", "Photo"
    VIDEO = "video", "Video"


class Photo(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # PROTECT: a user is deleted with `services.accounts.user_delete`, which removes
    # the photos' objects from storage first; a cascade would leave them behind.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="photos"
    )
    # Display text only: never a storage key, never a header value as it is.
    original_name = models.CharField(max_length=255)
    storage_key = models.CharField(max_length=255, unique=True)
    # Derivatives, made by a background job: sm (400 px) and md (1600 px) WebP.
    thumbnail_key = models.CharField(max_length=255, blank=True)
    preview_key = models.CharField(max_length=255, blank=True)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    # Recorded at upload so that zips can be laid out before streaming.
    crc32 = models.BigIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField()
    taken_at_source = models.CharField(max_length=10, choices=TakenAtSource.choices)
    # The offset from UTC the photo was taken at, in minutes (EXIF's OffsetTimeOriginal, a
    # video's ISO 6709 date, or an edit): shown as the camera's clock showed it. None when
    # the file does not say; then the library's time zone.
    taken_at_offset = models.SmallIntegerField(null=True, blank=True)
    camera_make = models.CharField(max_length=100, blank=True)
    camera_model = models.CharField(max_length=100, blank=True)
    # The camera's count of the shot (EXIF's ImageNumber, a Nikon's shutter count): a RAW
    # and the JPEG of one shot share it, whatever their names.
    shot_number = models.BigIntegerField(null=True, blank=True)
    lens = models.CharField(max_length=100, blank=True, default="", db_default="")
    gps_lat = models.FloatField(null=True, blank=True)
    gps_lon = models.FloatField(null=True, blank=True)
    # The GPS was set (or cleared) by hand: no rescan or import overrides it.
    location_edited = models.BooleanField(default=False, db_default=False)
    # The town the GPS is in or near; None without GPS, or far from any town.
    place = models.ForeignKey(
        Place, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # What searches find the photo by (`search`): its name, camera and dates, and apart,
    # its place. Normalised words separated by spaces, indexed for search.
    search_text = models.TextField(blank=True, default="", db_default="")
    place_text = models.TextField(blank=True, default="", db_default="")
    # Those terms as PostgreSQL's search index holds them (NULL elsewhere): never read,
    # only searched (`selectors.search.photo_condition`).
    search_vector = models.GeneratedField(
        expression=TermsVector(F("search_text"), F("place_text")),
        output_field=SearchVectorField(null=True),
        db_persist=True,
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    # The owner's own: a heart, a photo kept off the timeline (still in albums, search and
    # share links), words about it (searched), and a turn on top of the file's orientation
    # (degrees clockwise; the derivatives are made turned, the original never changes).
    favorite = models.BooleanField(default=False, db_default=False)
    archived = models.BooleanField(default=False, db_default=False)
    description = models.TextField(blank=True, default="", db_default="")
    rotation = models.PositiveSmallIntegerField(default=0, db_default=0)
    # What the photo looks like (a 64-bit perceptual hash of its sm derivative, as a signed
    # integer), for finding look-alikes; None until its derivatives are made.
    perceptual_hash = models.BigIntegerField(null=True, blank=True)
    # The md derivative whose faces were found (`services.faces`): "" before, and a remade
    # derivative (a turn) is not this one, so its faces are found again.
    faces_of = models.CharField(max_length=255, blank=True, default="", db_default="")
    deleted_at = models.DateTimeField(null=True, blank=True)
    derivatives_ready = models.BooleanField(default=False)
    # Why the derivatives could not be made; the photo stays, with a placeholder.
    derivatives_error = models.CharField(max_length=500, blank=True)
    # The run of the derivatives job working on this photo, and until when it may:
    # a second runner skips a claimed photo; an expired claim can be taken over.
    derivatives_claim = models.CharField(max_length=32, blank=True)
    derivatives_claimed_until = models.DateTimeField(null=True, blank=True)
    # Videos are photos with these (the same timeline, trash, albums and zips). Defaults in
    # the database too, so that rows written by the release before stay photos.
    kind = models.CharField(
        max_length=5, choices=Kind.choices, default=Kind.PHOTO, db_default="photo"
    )
    duration = models.FloatField(null=True, blank=True, help_text="Seconds (videos).")
    video_codec = models.CharField(max_length=32, blank=True, default="", db_default="")
    audio_codec = models.CharField(max_length=32, blank=True, default="", db_default="")
    frame_rate = models.FloatField(null=True, blank=True)
    # What browsers play: the original itself (this key is `storage_key`) where they play
    # it, else an H.264/AAC MP4 made by the job; "" until then.
    playback_key = models.CharField(max_length=255, blank=True, default="", db_default="")
    playback_size = models.BigIntegerField(null=True, blank=True)
    # The bytes of the thumbnail and preview (sm and md) in storage: 0 until they are made
    # (`myphoto recount` measures those made before this was kept). A person's usage.
    images_size = models.BigIntegerField(default=0, db_default=0)
    # A video's place as written in its bytes: [[start, end), ...], blanked when a share
    # link that hides places plays the original.
    location_spans = models.JSONField(null=True, blank=True)
    # Apple's id that a Live Photo's still and motion share.
    content_identifier = models.CharField(max_length=100, blank=True, default="", db_default="")
    # Uploaded by a visitor of a share link into the owner's library: never the owner's own
    # photo of the same bytes (a visitor must not learn which the owner has). Set once.
    by_guest = models.BooleanField(default=False, db_default=False)
    # A file of another's shot, which is the timeline item: a Live Photo's motion (a short
    # video, played on demand) points at its still, a camera's RAW at the JPEG taken with
    # it. Kept out of the timeline, counts and albums; trashed, restored, zipped and
    # mirrored with the item. The column keeps its first name: the counting triggers
    # (`counting_sql`) name it.
    part_of = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="companion",
        db_column="live_of_id",
    )
    # Adopted in place: the original is a file of this library's source (its path is the
    # LibraryFile's), read there and never written; `storage_key` names no object then.
    library = models.ForeignKey(
        "Library", null=True, blank=True, on_delete=models.PROTECT, related_name="photos"
    )
    offline = models.BooleanField(default=False, db_default=False)

    objects = PhotoManager()

    class Meta:
        constraints = [
            # The owner's own copies only: a visitor's contribution of the same bytes is
            # kept apart (`by_guest`), revealing nothing of what the owner has.
            # An adopted photo's bytes are hashed by its derivatives job: "" until then.
            models.UniqueConstraint(
                fields=["owner", "sha256"],
                condition=Q(by_guest=False) & ~Q(sha256=""),
                name="photo_unique_content_per_owner",
            ),
            models.CheckConstraint(condition=Q(size__gte=0), name="photo_size_not_negative"),
            models.CheckConstraint(
                condition=Q(rotation__in=ROTATIONS), name="photo_rotation_quarter_turns"
            ),
        ]
        # Each timeline-shaped read seeks in one of these and reads rows in its
        # order: partial, because PostgreSQL cannot order by an index that has
        # deleted_at before taken_at when the query says `deleted_at IS NULL`.
        indexes = [
            models.Index(
                fields=["owner", "-taken_at", "-id"],
                condition=Q(deleted_at__isnull=True),
                name="photo_timeline",
            ),
            models.Index(
                fields=["owner", "-taken_at", "-id"],
                condition=Q(deleted_at__isnull=False),
                name="photo_trash",
            ),
            # The Favorites and Archive pages: few rows each, in timeline order.
            models.Index(
                fields=["owner", "-taken_at", "-id"],
                condition=Q(deleted_at__isnull=True, favorite=True),
                name="photo_favorites",
            ),
            models.Index(
                fields=["owner", "-taken_at", "-id"],
                condition=Q(deleted_at__isnull=True, archived=True),
                name="photo_archive",
            ),
            # The retention job: what has been in the trash longest, of every owner.
            models.Index(
                fields=["deleted_at", "id"],
                condition=Q(deleted_at__isnull=False),
                name="photo_trashed_at",
            ),
            # The timeline of videos alone (`kind=video`), and its months.
            models.Index(
                fields=["owner", "-taken_at", "-id"],
                condition=Q(deleted_at__isnull=True, kind="video"),
                name="photo_videos",
            ),
            # A Live Photo's still and motion find each other at upload, in either order.
            models.Index(
                fields=["owner", "content_identifier"],
                condition=~Q(content_identifier=""),
                name="photo_live_pairs",
            ),
            # The motions of a page's Live Photos. The unique index on part_of holds every
            # row (its NULLs too): SQLite's statistics then call it useless for IN (...).
            models.Index(
                fields=["part_of"],
                condition=Q(part_of__isnull=False),
                name="photo_live_motions",
            ),
            # The Places page: each place's count (from the index alone), cover and
            # timeline; search suggestions: the cameras of the library and their counts.
            models.Index(
                fields=["owner", "place", "-taken_at", "-id"],
                condition=Q(deleted_at__isnull=True, part_of__isnull=True, place__isnull=False),
                name="photo_places",
            ),
            models.Index(
                fields=["owner", "camera_make", "camera_model"],
                condition=Q(deleted_at__isnull=True, part_of__isnull=True),
                name="photo_cameras",
            ),
            # Where a map's cluster finds a photo to show again, when its cover has gone.
            models.Index(
                fields=["owner", "gps_lat", "gps_lon"],
                condition=Q(deleted_at__isnull=True, gps_lat__isnull=False),
                name="photo_located",
            ),
            # A library's photos (its counts, its offline ones, forgetting it).
            models.Index(
                fields=["library", "offline"],
                condition=Q(library__isnull=False),
                name="photo_adopted",
            ),
            # `myphoto derivatives --missing`: the few photos still waiting.
            models.Index(
                fields=["uploaded_at"],
                condition=Q(derivatives_ready=False, derivatives_error=""),
                name="photo_derivatives_waiting",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.id})"

    @property
    def in_trash(self) -> bool:
        return self.deleted_at is not None

    @property
    def purge_after(self) -> datetime | None:
        if self.deleted_at is None:
            return None
        return self.deleted_at + timedelta(days=settings.MYPHOTO_TRASH_DAYS)

    @property
    def camera(self) -> str | None:
        return camera_name(self.camera_make, self.camera_model)

    @property
    def download_name(self) -> str:
        """The name a download gets: the original's, with an extension of the format it is."""
        return with_extension(self.original_name, self.content_type)

    @property
    def shown_size(self) -> tuple[int, int]:
        """Width and height as shown: after the file's orientation and the owner's turn."""
        if self.rotation in (90, 270):
            return self.height, self.width
        return self.width, self.height

    @property
    def aspect_ratio(self) -> float:
        """Width over height as shown, for laying out the grid."""
        width, height = self.shown_size
        return width / height if width and height else 1.0

    @property
    def taken_at_local(self) -> datetime:
        """The capture time as the camera's clock showed it (its offset), else in the
        library's time zone."""
        if self.taken_at_offset is None:
            return timezone.localtime(self.taken_at)
        return self.taken_at.astimezone(dt_timezone(timedelta(minutes=self.taken_at_offset)))

    @property
    def is_video(self) -> bool:
        return self.kind == Kind.VIDEO

    @property
    def is_adopted(self) -> bool:
        return self.library_id is not None

    @property
    def storage_keys(self) -> list[str]:
        """Every object this photo owns in storage: the original (unless it is a file of
        an adopted library's source) and its derivatives."""
        keys = [self.storage_key, self.thumbnail_key, self.preview_key, self.playback_key]
        if self.is_adopted:
            # Its playback may be the original too (a video browsers play as it is).
            keys = [key for key in keys if key != self.storage_key]
        return list(dict.fromkeys(key for key in keys if key))

    @property
    def plays_original(self) -> bool:
        """Whether browsers play the original itself (else a copy made for them, once made)."""
        return bool(self.playback_key) and self.playback_key == self.storage_key

    def derivative_query(self, size: str) -> str:
        """The query of a derivative's URL: a turned photo's URLs are new ones, so that no
        browser shows what it cached before the turn."""
        return f"?size={size}&turn={self.rotation}" if self.rotation else f"?size={size}"

    def derivative_key(self, size: str) -> str:
        return {"sm": self.thumbnail_key, "md": self.preview_key}[size]


class MonthCount(models.Model):
    """How many of a user's photos, out of the trash and the archive, were taken in one month.

    Months are those of the library's time zone (MYPHOTO_TIME_ZONE). Kept in the same
    transaction as each change that adds a photo to the timeline or takes one out (upload,
    trash, restore, archive, a changed date), so that the "N photos" header and the
    scrubber's months never count rows; `services.counts` can rebuild them.
    """

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="month_counts"
    )
    month = models.DateField(help_text="The first day of the month.")
    count = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["owner", "month"], name="month_count_unique"),
            models.CheckConstraint(condition=Q(count__gte=0), name="month_count_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.owner_id} {self.month:%Y-%m}: {self.count}"
