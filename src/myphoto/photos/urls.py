from django.urls import path

from . import albumviews, sharedviews, views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("upload/", views.upload_photos, name="upload"),
    path("photos/<uuid:photo_id>/", views.photo_detail, name="photo-detail"),
    path("photos/<uuid:photo_id>/tile", views.photo_tile, name="photo-tile"),
    path("account/", views.account, name="account"),
    path("account/tokens/<uuid:token_id>/revoke", views.token_revoke, name="token-revoke"),
    path("photos/download", views.photos_download, name="photos-download"),
    path("photos/<uuid:photo_id>/download", views.photo_download, name="photo-download"),
    path("photos/delete", views.photos_delete, name="photos-delete"),
    path("photos/undo-delete", views.photos_undo_delete, name="photos-undo-delete"),
    path("trash/", views.trash_list, name="trash"),
    path("trash/restore", views.trash_restore, name="trash-restore"),
    path("trash/empty", views.trash_empty, name="trash-empty"),
    path("albums/", albumviews.albums_list, name="albums"),
    path("albums/new", albumviews.album_create, name="album-create"),
    path("albums/add", albumviews.album_add, name="album-add"),
    path("albums/<uuid:album_id>/", albumviews.album_detail, name="album-detail"),
    path("albums/<uuid:album_id>/edit", albumviews.album_edit, name="album-edit"),
    path("albums/<uuid:album_id>/delete", albumviews.album_delete, name="album-delete"),
    path("albums/<uuid:album_id>/remove", albumviews.album_remove, name="album-remove"),
    path("albums/<uuid:album_id>/cover", albumviews.album_cover, name="album-cover"),
    path("albums/<uuid:album_id>/download", albumviews.album_download, name="album-download"),
    path("albums/<uuid:album_id>/sharing", albumviews.album_sharing, name="album-sharing"),
    path("s/<sharekey:key>", sharedviews.shared_album, name="shared-album"),
    path("s/<sharekey:key>/unlock", sharedviews.shared_unlock, name="shared-unlock"),
    path("s/<sharekey:key>/download", sharedviews.shared_download, name="shared-download"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
