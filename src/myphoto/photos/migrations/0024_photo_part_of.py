# `Photo.live_of` becomes `part_of` (a Live Photo's motion, or a camera's RAW beside its
# JPEG). The database has nothing to change: the column keeps its name (`live_of_id`, which
# the counting triggers name) and the indexes are on that same column, so this migration
# tells Django's state alone.

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("photos", "0023_dav_locks"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.RemoveIndex(model_name="photo", name="photo_live_motions"),
                migrations.RemoveIndex(model_name="photo", name="photo_places"),
                migrations.RemoveIndex(model_name="photo", name="photo_cameras"),
                migrations.RemoveField(model_name="photo", name="live_of"),
                migrations.AddField(
                    model_name="photo",
                    name="part_of",
                    field=models.OneToOneField(
                        blank=True,
                        db_column="live_of_id",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="companion",
                        to="photos.photo",
                    ),
                ),
                migrations.AddIndex(
                    model_name="photo",
                    index=models.Index(
                        condition=models.Q(("part_of__isnull", False)),
                        fields=["part_of"],
                        name="photo_live_motions",
                    ),
                ),
                migrations.AddIndex(
                    model_name="photo",
                    index=models.Index(
                        condition=models.Q(
                            ("deleted_at__isnull", True),
                            ("part_of__isnull", True),
                            ("place__isnull", False),
                        ),
                        fields=["owner", "place", "-taken_at", "-id"],
                        name="photo_places",
                    ),
                ),
                migrations.AddIndex(
                    model_name="photo",
                    index=models.Index(
                        condition=models.Q(("deleted_at__isnull", True), ("part_of__isnull", True)),
                        fields=["owner", "camera_make", "camera_model"],
                        name="photo_cameras",
                    ),
                ),
            ],
        ),
    ]
