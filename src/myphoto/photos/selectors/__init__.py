"""The read paths, by domain; imported from here (`selectors.photo_get_for_user`).

photos     access to a user's photos (404 for anyone else's)
albums     albums as each person sees them, and the access to one with a role
timeline   the library's, an album's, a search's, a place's timeline and the trash,
           all paged by keyset.keyset_page, and their months
keyset     the one keyset: by (taken_at, id), from a cursor, both ways
search     the condition a search puts on photos, and the two-step read of a library's
places     places, countries and cameras with their counts
shares     the owner's share links;  tokens  API tokens;  uploads  multipart uploads
live       Live Photos' motions;  batches  reading many ids a query's worth at a time
libraries  adopted libraries, for staff, with their counts
accounts   the server's accounts, for staff, with their usage;  usage  what a person keeps
people     faces grouped into people, their owner's alone (never a share link's)
"""

from .accounts import AccountView, account_get_for_staff, accounts_for_staff
from .albums import (
    AlbumView,
    NotAllowed,
    album_get_for_user,
    album_members,
    album_photos,
    album_role,
    album_view,
    albums_for_user,
    albums_view,
    albums_visible_to,
)
from .batches import ID_BATCH, in_batches, photos_in_batches
from .keyset import InvalidCursor, InvalidPeriod, Page, encode_cursor, usable_time
from .libraries import (
    LibraryView,
    libraries_for_staff,
    library_get_by_name,
    library_get_for_staff,
    library_name,
    library_view,
)
from .live import companion_of, companions, live_motion_of, stack_of
from .memories import Memory, memories_on, memory_on
from .people import (
    PersonView,
    face_get_for_user,
    faces_of,
    people_for_user,
    people_in,
    person_get_for_user,
    person_search,
    person_view,
    search_of,
)
from .photos import (
    photo_get_by_hash,
    photo_get_for_user,
    photo_get_for_viewer,
    photo_ids_with_prefix,
    photos_get_for_user,
    photos_missing_derivatives,
    photos_missing_looks,
)
from .places import (
    CameraView,
    CountryView,
    PlaceView,
    cameras_for_user,
    countries_of,
    photos_to_locate,
    place_get_for_user,
    places_for_user,
)
from .search import SEARCH_WALK
from .shares import share_get_for_user, shares_for_user
from .timeline import (
    EVERYTHING,
    MonthBucket,
    Shelf,
    album_page,
    month_after,
    month_start,
    timeline_buckets,
    timeline_count,
    timeline_has_newer,
    timeline_newer_page,
    timeline_page,
    trash_page,
)
from .tokens import tokens_get_for_user
from .uploads import multipart_upload_get_for_user, photo_completed_from_upload
from .usage import usage_of

__all__ = [
    "PersonView",
    "face_get_for_user",
    "faces_of",
    "people_for_user",
    "people_in",
    "person_get_for_user",
    "person_search",
    "person_view",
    "search_of",
    "AccountView",
    "account_get_for_staff",
    "accounts_for_staff",
    "LibraryView",
    "libraries_for_staff",
    "library_get_by_name",
    "library_get_for_staff",
    "library_name",
    "library_view",
    "ID_BATCH",
    "SEARCH_WALK",
    "AlbumView",
    "CameraView",
    "CountryView",
    "InvalidCursor",
    "InvalidPeriod",
    "MonthBucket",
    "NotAllowed",
    "Page",
    "PlaceView",
    "album_get_for_user",
    "album_members",
    "album_page",
    "album_photos",
    "album_role",
    "album_view",
    "albums_for_user",
    "albums_view",
    "albums_visible_to",
    "cameras_for_user",
    "countries_of",
    "encode_cursor",
    "in_batches",
    "live_motion_of",
    "companions",
    "companion_of",
    "stack_of",
    "month_after",
    "month_start",
    "multipart_upload_get_for_user",
    "photo_completed_from_upload",
    "photo_get_by_hash",
    "photo_ids_with_prefix",
    "photo_get_for_user",
    "photo_get_for_viewer",
    "photos_get_for_user",
    "photos_in_batches",
    "photos_missing_derivatives",
    "photos_missing_looks",
    "photos_to_locate",
    "place_get_for_user",
    "places_for_user",
    "share_get_for_user",
    "shares_for_user",
    "EVERYTHING",
    "Shelf",
    "timeline_buckets",
    "timeline_count",
    "timeline_has_newer",
    "timeline_newer_page",
    "timeline_page",
    "Memory",
    "memories_on",
    "memory_on",
    "tokens_get_for_user",
    "usage_of",
    "trash_page",
    "usable_time",
]
