"""Reading Google Takeout and iCloud exports where they lie: which sidecar goes with which
file, what each folder means in each language, and what a damaged or hostile archive
gives (what can be read, and a reason for the rest)."""

from __future__ import annotations

import unicodedata
import zipfile
from datetime import UTC, datetime

import images
import pytest
from takeouts import ROOT, album_metadata, sidecar, write_folder, write_tgz, write_zip

from myphoto.client.imports.archives import parts_of
from myphoto.client.imports.icloud import plan_icloud
from myphoto.client.imports.sidecars import read_json, sidecar_of, unedited
from myphoto.client.imports.takeout import folder_role, plan_google

TAKEN = datetime(2019, 7, 14, 12, 0, tzinfo=UTC)
LONG = "Screenshot_2024-01-14-14-13-33-16_948cd9899890cbd5c2798760b2b95377.jpg"


def matched(files: list[str], sidecars: list[str]) -> dict[str, str | None]:
    read = [read_json(name, sidecar(name.split(".json")[0])) for name in sidecars]
    found = {}
    for name in files:
        sidecar_found = sidecar_of(name, read) or (
            sidecar_of(unedited(name), read) if unedited(name) else None
        )
        found[name] = sidecar_found.name if sidecar_found else None
    return found


@pytest.mark.parametrize(
    ("photo", "json_name"),
    [
        ("IMG_0001.JPG", "IMG_0001.JPG.json"),
        ("IMG_0001.JPG", "IMG_0001.JPG.supplemental-metadata.json"),
        ("IMG_0001.JPG", "IMG_0001.JPG.supplemental-metad.json"),
        ("IMG_0001.JPG", "IMG_0001.JPG.suppl.json"),
        ("IMG_0001.JPG", "IMG_0001.JPG.s.json"),
        ("IMG_0001.JPG", "IMG_0001.JPG..json"),
        ("IMG(1).JPG", "IMG.JPG(1).json"),
        ("IMG(1).JPG", "IMG.JPG.supplemental-metadata(1).json"),
        ("old.jpg", "old.json"),
        # Cut to 51 and to 46 characters in all.
        (LONG, LONG[:46] + ".json"),
        (LONG, LONG[:41] + ".json"),
        ("IMG_20200920_131207_HDR.jpg", "IMG_20200920_131207_HDR.jpg.supplemental-me.json"),
        ("PXL_20230815_101010123.MP.jpg", "PXL_20230815_101010123.MP.jpg.supplemental-me.json"),
    ],
)  # fmt: skip
def test_a_sidecar_is_found_by_googles_naming_rules(photo, json_name):
    assert len(json_name) <= 51 or json_name.endswith(".supplemental-metadata.json")
    assert matched([photo], [json_name]) == {photo: json_name}


def test_copies_and_cut_names_each_find_their_own_sidecar():
    files = ["IMG.JPG", "IMG(1).JPG", "IMG(2).JPG"]
    sidecars = ["IMG.JPG.json", "IMG.JPG(1).json", "IMG.JPG(2).json"]
    assert matched(files, sidecars) == dict(zip(files, sidecars, strict=True))
    # Two long names cut to the same 46 characters: each sidecar's title says whose it is.
    long_a = "Screenshot_2022-04-21-10-11-12_abb9c8060a0a12c5ac89e934e52a2f4f.jpg"
    long_b = "Screenshot_2022-04-21-10-11-12_abb9c8060a0a99999999999999999999.jpg"
    cut = [
        read_json(long_a[:41] + ".json", sidecar(long_a)),
        read_json(long_a[:41] + "(1).json", sidecar(long_b)),
    ]
    assert sidecar_of(long_a, cut) is cut[0]
    assert sidecar_of(long_b, cut) is cut[1]
    assert sidecar_of("IMG_0002.JPG", cut) is None


EDITED = [
    "-edited", "-modifié", "-bearbeitet", "-editado", "-modificato", "-bewerkt", "-edytowany",
    "-redigeret", "-redigerad", "-muokattu", "-изменено", "-편집됨", "-編集済み", "-已编辑",
]  # fmt: skip


@pytest.mark.parametrize("suffix", EDITED)
def test_an_edited_copy_shares_its_originals_sidecar_in_every_language(suffix):
    # Written decomposed, as a Mac writes accents in names.
    name = unicodedata.normalize("NFD", f"IMG_0042{suffix}.jpg")
    name = unicodedata.normalize("NFC", name)  # as the archive reader hands names out
    assert unedited(name) == "IMG_0042.jpg"
    assert matched([name], ["IMG_0042.jpg.supplemental-metadata.json"]) == {
        name: "IMG_0042.jpg.supplemental-metadata.json"
    }


@pytest.mark.parametrize(
    ("folder", "role"),
    [
        ("Photos from 2019", "year"), ("Photos de 2019", "year"), ("Fotos von 2019", "year"),
        ("Fotos de 2019", "year"), ("Foto del 2019", "year"), ("Foto's uit 2019", "year"),
        ("Zdjęcia z 2019", "year"), ("Фото за 2019 г.", "year"), ("2019년 사진", "year"),
        ("2019年の写真", "year"), ("2019", "year"),
        ("Trash", "trash"), ("Bin", "trash"), ("Corbeille", "trash"), ("Papierkorb", "trash"),
        ("Papelera", "trash"), ("Cestino", "trash"), ("휴지통", "trash"), ("ゴミ箱", "trash"),
        ("Archive", "archive"), ("Archiv", "archive"), ("Archivo", "archive"),
        ("Archivio", "archive"), ("보관함", "archive"),
        ("Failed Videos", "failed"), ("Vidéos en échec", "failed"),
        ("Fehlgeschlagene Videos", "failed"), ("Vídeos fallidos", "failed"),
        ("Untitled(1)", "album"), ("Sans titre(2)", "album"), ("Ohne Titel", "album"),
        ("제목 없음(1)", "album"), ("Wedding 2019", "album"),
    ],
)  # fmt: skip
def test_folders_are_known_by_their_names_in_the_common_languages(folder, role):
    assert folder_role(unicodedata.normalize("NFD", folder), None).role == role


def test_an_albums_title_comes_from_its_metadata_under_any_name(tmp_path):
    photo = images.jpeg(seed=1)
    files = {
        f"{ROOT}Trip/métadonnées.json": album_metadata("제주도 여행 🍊", "with mum"),
        f"{ROOT}Trip/a.jpg": photo,
        f"{ROOT}Untitled(1)/metadatos.json": album_metadata(""),
        f"{ROOT}Untitled(1)/b.jpg": images.jpeg(seed=2),
        # A user's own album called "Archive" is an album, not the archive.
        f"{ROOT}Archive/metadata.json": album_metadata("Archive"),
        f"{ROOT}Archive/c.jpg": images.jpeg(seed=3),
    }
    plan = plan_google(parts_of([write_zip(tmp_path / "takeout-001.zip", files)]))

    titles = {album.title: album.description for album in plan.albums.values()}
    assert titles == {"제주도 여행 🍊": "with mum", "Untitled(1)": "", "Archive": ""}
    assert not any(item.meta.archived for item in plan.items)


def test_odd_json_is_as_if_absent_and_a_broken_one_is_reported(tmp_path):
    odd = (
        b'{"title": "odd.jpg", "photoTakenTime": {"timestamp": [1]}, "favorited": "yes",'
        b' "geoData": {"latitude": "37.5", "longitude": 127}, "description": 5,'
        b' "geoDataExif": {"latitude": 91.0, "longitude": 10.0}, "archived": 1}'
    )
    files = {
        f"{ROOT}Photos from 2020/odd.jpg": images.jpeg(seed=1),
        f"{ROOT}Photos from 2020/odd.jpg.json": odd,
        f"{ROOT}Photos from 2020/broken.jpg": images.jpeg(seed=2),
        f"{ROOT}Photos from 2020/broken.jpg.json": b'{"title": "broken.jpg", "photoTa',
        f"{ROOT}Photos from 2020/list.jpg.json": b"[1, 2]",
    }
    plan = plan_google(parts_of([write_zip(tmp_path / "t.zip", files)]))

    by_name = {item.entry.name: item for item in plan.items}
    meta = by_name["odd.jpg"].meta
    assert (meta.taken_at, meta.location, meta.description, meta.favorite) == (
        None,
        None,
        "",
        False,
    )
    assert not meta.archived
    assert by_name["broken.jpg"].sidecar == ""
    reasons = {p.where.rsplit("/", 1)[-1]: p.reason for p in plan.problems}
    assert reasons["broken.jpg.json"].startswith("not JSON")
    assert reasons["list.jpg.json"] == "not a JSON object"


def test_zero_zero_is_no_place_and_the_files_own_reading_is_the_fallback():
    both = read_json("a.jpg.json", sidecar("a.jpg", geo=None, geo_exif=(48.85, 2.35)))
    assert both.meta.location == (48.85, 2.35)
    neither = read_json("b.jpg.json", sidecar("b.jpg"))
    assert neither.meta.location is None


def test_hostile_entries_are_never_followed_nor_read(tmp_path):
    path = tmp_path / "hostile.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{ROOT}Photos from 2020/fine.jpg", images.jpeg(seed=1))
        archive.writestr("../../etc/evil.jpg", images.jpeg(seed=2))
        archive.writestr(f"{ROOT}../../outside.jpg", images.jpeg(seed=3))
        archive.writestr("/abs/path.jpg", images.jpeg(seed=4))
        # 40 MB of zeros packed into about 40 KB: a bomb, not a photo.
        archive.writestr(f"{ROOT}Photos from 2020/bomb.jpg", bytes(40 * 1024 * 1024))

    part = parts_of([path])[0]
    plan = plan_google([part])
    read = [(entry.name, reader.read() if reader else b"") for entry, reader in part.walk(bool)]

    assert sorted(item.entry.name for item in plan.items) == ["bomb.jpg", "fine.jpg"]
    assert [name for name, _ in read] == ["fine.jpg"]
    reasons = sorted(p.reason for p in part.problems)
    assert reasons.count("a path that leaves the archive, not followed") == 3 * 2
    assert any("(a zip bomb?), not read" in reason for reason in reasons)


def test_a_cut_zip_gives_what_comes_before_the_cut(tmp_path):
    files = {f"{ROOT}Photos from 2021/{n:02d}.jpg": images.jpeg(seed=n) for n in range(10)}
    whole = write_zip(tmp_path / "whole.zip", files)
    cut = tmp_path / "takeout-002.zip"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 6 // 10])

    part = parts_of([cut])[0]
    plan = plan_google([part])

    assert 3 <= len(plan.items) <= 6
    assert [item.entry.name for item in plan.items] == [
        f"{n:02d}.jpg" for n in range(len(plan.items))
    ]
    reasons = [p.reason for p in plan.problems]
    assert any("reading it from the start, up to the damage" in r for r in reasons)
    assert any(r.startswith("cut short or damaged after that") for r in reasons)


def test_tgz_parts_folders_and_names_of_every_script(tmp_path):
    korean_255_bytes = "가" * 81 + ".jpg"  # 243 + 4 bytes in UTF-8
    names = ["🎉 party.jpg", unicodedata.normalize("NFD", "café.jpg"), korean_255_bytes]
    files = {f"{ROOT}Photos from 2022/{name}": images.jpeg(seed=n) for n, name in enumerate(names)}
    sidecars = {
        f"{ROOT}Photos from 2022/{name}.json": sidecar(name, taken=TAKEN) for name in names[:2]
    }
    tgz = write_tgz(tmp_path / "takeout-001.tgz", files)
    folder = write_folder(tmp_path / "unpacked", sidecars)

    plan = plan_google(parts_of([tgz, folder]))

    assert sorted(item.entry.name for item in plan.items) == sorted(
        unicodedata.normalize("NFC", name) for name in names
    )
    assert plan.sidecars_matched == 2
    assert [p.rsplit("/", 1)[-1] for p in plan.without_sidecar] == [korean_255_bytes]


def test_icloud_details_albums_and_memories(tmp_path):
    from takeouts import icloud_album, icloud_photos

    part = "iCloud Photos Part 1 of 1"
    files = {
        **icloud_photos(part, listed_only=["IMG_0999.JPG"]),
        f"{part}/Albums/Family.csv": icloud_album(["IMG_0100.JPG", "IMG_0101.JPG"]),
        f"{part}/Memories/Summer 2022.csv": icloud_album(["IMG_0101.JPG"]),
    }
    plan = plan_icloud(parts_of([write_zip(tmp_path / "icloud.zip", files)]))

    by_name = {item.entry.name: item for item in plan.items}
    assert sorted(by_name) == ["IMG_0100.JPG", "IMG_0101.JPG"]
    assert by_name["IMG_0100.JPG"].meta.taken_at == datetime(2022, 1, 15, 19, 31, tzinfo=UTC)
    assert by_name["IMG_0100.JPG"].meta.favorite and by_name["IMG_0101.JPG"].meta.archived
    assert sorted(a.title for a in plan.albums.values()) == ["Family", "Summer 2022"]
    assert plan.sidecars_alone == ["IMG_0999.JPG"]
    assert [p.reason for p in plan.left_out] == ["recently deleted (--include-trashed)"]
