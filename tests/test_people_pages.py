"""The People pages without a browser: the forms work with JavaScript off."""

from __future__ import annotations

import faces
import pytest

from myphoto.photos.models import Face, Person


@pytest.fixture
def collins(faces_on, make_photo, user):
    photos = [make_photo(f"collins {n}.jpg", data=faces.astronaut(n))[0] for n in range(3)]
    return Person.objects.get(owner=user), photos


def test_people_and_a_persons_timeline_named_by_a_form(client, collins):
    person, photos = collins
    page = client.get("/people/")
    assert page.status_code == 200
    assert f'href="/people/{person.pk}/"'.encode() in page.content
    assert f"/api/v1/faces/{person.cover_id}/crop".encode() in page.content

    timeline = client.get(f"/people/{person.pk}/")
    assert timeline.status_code == 200
    for photo in photos:
        assert str(photo.pk).encode() in timeline.content
    assert b"3 photos" in timeline.content

    named = client.post(f"/people/{person.pk}/edit", {"name": "Eileen  Collins"})
    assert named.status_code == 302 and named["Location"] == f"/people/{person.pk}/"
    assert Person.objects.get(pk=person.pk).name == "Eileen Collins"
    searched = client.get("/search/", {"q": "eileen collins"})
    assert all(str(photo.pk).encode() in searched.content for photo in photos)
    suggested = client.get("/search/suggestions", {"q": "eil"}).json()["items"]
    assert suggested[0] == {
        "query": "Eileen Collins",
        "label": "Person: Eileen Collins · 3 photos",
        "count": 3,
    }

    too_long = client.post(f"/people/{person.pk}/edit", {"name": "x" * 10_000}, follow=True)
    assert "A name has at most 100 characters." in too_long.content.decode()
    assert Person.objects.get(pk=person.pk).name == "Eileen Collins"


def test_not_them_then_merged_back_then_hidden(client, collins, user):
    person, photos = collins
    face = Face.objects.get(photo=photos[2])
    out = client.post(f"/people/faces/{face.pk}/not-them")
    assert out.status_code == 302 and out["Location"] == f"/people/{person.pk}/"
    apart = Face.objects.get(pk=face.pk).person
    assert apart != person and Face.objects.filter(person=person).count() == 2

    merged = client.post(f"/people/{apart.pk}/merge", {"into": str(person.pk)})
    assert merged["Location"] == f"/people/{person.pk}/"
    assert Face.objects.filter(person=person).count() == 3
    assert not Person.objects.filter(pk=apart.pk).exists()
    itself = client.post(f"/people/{person.pk}/merge", {"into": str(person.pk)}, follow=True)
    assert "cannot be merged into themselves" in itself.content.decode()
    nobody = client.post(f"/people/{person.pk}/merge", {"into": "not an id"})
    assert nobody.status_code == 404

    hidden = client.post(f"/people/{person.pk}/edit", {"hidden": "hide"}, follow=True)
    assert hidden.redirect_chain[-1][0] == "/people/"
    assert "1 hidden person" in hidden.content.decode()
    assert Person.objects.get(pk=person.pk).hidden
