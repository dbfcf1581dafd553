from django.apps import AppConfig
from django.urls import register_converter


class PhotosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "myphoto.photos"
    label = "photos"
    verbose_name = "Photos"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import counting_sql, media, sqlite_search
        from .converters import AnyCaseUUIDConverter, ShareKeyConverter

        media.configure()
        post_migrate.connect(sqlite_search.reinstall_after_migrate, sender=self)
        post_migrate.connect(counting_sql.reinstall_after_migrate, sender=self)
        # Before the URL conf is read: the API's paths say {anyuuid:photo_id}, so an
        # id written in upper case finds its photo instead of Django's 404 page.
        register_converter(AnyCaseUUIDConverter, "anyuuid")
        register_converter(ShareKeyConverter, "sharekey")
