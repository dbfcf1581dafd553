"""Faces found in a person's photos, and the people they are grouped into. Private to the
owner: nothing here is ever shown through a share link or to an album's members."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q

# A name as long as anyone's, with room for "Grandma (Busan)".
NAME_LENGTH = 100


class Person(models.Model):
    """Someone whose face is in the owner's photos: named by the owner, or not yet."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="people"
    )
    name = models.CharField(max_length=NAME_LENGTH, blank=True, default="")
    # Kept off the People page and the viewer (a stranger, a poster); the photos stay.
    hidden = models.BooleanField(default=False)
    # The mean of the person's faces' descriptors, that a new face is compared with, and
    # how many faces it is the mean of (so that one more moves it by its share).
    centre = models.BinaryField()
    centre_of = models.PositiveIntegerField(default=0)
    # The face shown for the person: their largest (a person's face is cropped from it).
    cover = models.ForeignKey(
        "Face", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "name"], name="person_names")]

    def __str__(self) -> str:
        return self.name or str(self.id)


class Face(models.Model):
    """A face found in a photo's md derivative (as shown: turned), and whose it is."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="faces"
    )
    photo = models.ForeignKey("Photo", on_delete=models.CASCADE, related_name="faces")
    person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="faces"
    )
    # Left, top, right and bottom as fractions of the picture's width and height.
    left = models.FloatField()
    top = models.FloatField()
    right = models.FloatField()
    bottom = models.FloatField()
    # dlib's 128 numbers for the face (`common.media.faces`), as little-endian float32.
    descriptor = models.BinaryField()
    score = models.FloatField()
    # Put in its person by the owner ("not this person", a merge): grouping the library
    # again leaves it there.
    placed_by_hand = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(left__lt=models.F("right"), top__lt=models.F("bottom")),
                name="face_box_not_empty",
            ),
        ]
        indexes = [
            # A person's faces and photos; the People page's counts.
            models.Index(fields=["person", "photo"], name="face_people"),
        ]

    def __str__(self) -> str:
        return f"a face in {self.photo_id}"
