from django.apps import AppConfig


class PhotosConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "myphoto.photos"
    label = "photos"
    verbose_name = "Photos"

    def ready(self) -> None:
        from . import imaging

        imaging.configure()
