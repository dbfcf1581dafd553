from django.apps import AppConfig
from django.urls import register_converter


class PhotosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "myphoto.photos"
    label = "photos"
    verbose_name = "Photos"

    def ready(self) -> None:
        from . import imaging
        from .converters import AnyCaseUUIDConverter, ShareKeyConverter

        imaging.configure()
        # Before the URL conf is read: the API's paths say {anyuuid:photo_id}, so an
        # id written in upper case finds its photo instead of Django's 404 page.
        register_converter(AnyCaseUUIDConverter, "anyuuid")
        register_converter(ShareKeyConverter, "sharekey")
