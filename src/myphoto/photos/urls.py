from django.urls import path

from . import views

urlpatterns = [
    path("", views.timeline, name="timeline"),
    path("upload/", views.upload_photos, name="upload"),
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
