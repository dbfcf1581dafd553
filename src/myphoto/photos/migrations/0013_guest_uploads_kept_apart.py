# A share link's visitor's upload is kept apart from the owner's own photo of the same
# bytes: the unique content per owner holds for the owner's own photos only.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('photos', '0012_places_and_search'),
    ]

    operations = [
        migrations.AddField(
            model_name='photo',
            name='by_guest',
            field=models.BooleanField(db_default=False, default=False),
        ),
        migrations.RemoveConstraint(
            model_name='photo',
            name='photo_unique_content_per_owner',
        ),
        migrations.AddConstraint(
            model_name='photo',
            constraint=models.UniqueConstraint(condition=models.Q(('by_guest', False)), fields=('owner', 'sha256'), name='photo_unique_content_per_owner'),
        ),
    ]
