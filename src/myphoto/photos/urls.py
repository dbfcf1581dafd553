from django.urls import path

from . import views

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
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
]
