// Organising: the heart (on tiles, in the viewer, F), archive, and edits that never touch
// the original (description, date with its time zone, place, a turn), of one photo in the
// viewer or of the ticked ones at once, each with Undo. Without JavaScript the selection
// bar's Favorite and Archive post a form.

import { api, urls } from "./api.js";
import { counted, gettext, pgettext } from "./i18n.js";
import { clearSelection, form, selectedIds } from "./selection.js";
import { detachTiles } from "./timeline.js";
import { showToast } from "./toast.js";
import { showTile, shownTile, stepAway } from "./viewer.js";

const viewer = document.getElementById("viewer");
const editMany = document.getElementById("edit-many");
// Where archived photos are not shown (the timeline), or only they are (the archive).
const shelf = form?.dataset.shelf || "";

// Offsets from UTC people live at, every quarter hour from -12:00 to +14:00.
function offsetLabel(minutes) {
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
}

function fillOffsets(select) {
  for (let minutes = -720; minutes <= 840; minutes += 15) {
    const option = new Option(`UTC${offsetLabel(minutes)}`, offsetLabel(minutes));
    select.append(option);
  }
}

// "2023-10-11T14:15:16+09:00" -> ["2023-10-11T14:15:16", "+09:00"]
function splitIso(iso) {
  const match = /^(.{19})(Z|[+-]\d\d:\d\d)$/.exec(iso || "");
  if (!match) return ["", "+00:00"];
  return [match[1], match[2] === "Z" ? "+00:00" : match[2]];
}

function dateFrom(local, offset) {
  if (!local) return null;
  const seconds = local.length === 16 ? `${local}:00` : local;
  return `${seconds}${offset}`;
}

// Towns for a place field: suggestions as one types, remembered by the name shown.
const towns = new Map();
let townTimer = null;

function suggestTowns(input) {
  const list = document.getElementById(input.getAttribute("list"));
  clearTimeout(townTimer);
  const text = input.value.trim();
  if (text.length < 2 || towns.has(text) || /^[-\d.,\s]+$/.test(text)) return;
  townTimer = setTimeout(async () => {
    let answer;
    try {
      answer = await api("GET", `${urls.towns}?q=${encodeURIComponent(text)}`);
    } catch (_) {
      return;
    }
    list.replaceChildren(...answer.items.map((town) => {
      towns.set(town.name, town);
      return new Option(town.name, town.name);
    }));
  }, 200);
}

// What a place field says: a town, "lat, lon", or nothing (no place). Throws if none.
function placeFrom(text) {
  const value = text.trim();
  if (!value) return null;
  const numbers = /^(-?\d+(?:\.\d+)?)\s*[,\s]\s*(-?\d+(?:\.\d+)?)$/.exec(value);
  if (numbers) return { lat: Number(numbers[1]), lon: Number(numbers[2]) };
  const town = towns.get(value);
  if (town) return { lat: town.lat, lon: town.lon };
  throw new Error(gettext("Choose a town from the list, or type latitude and longitude."));
}

// The tile made again by the server, in place of the old one (with its polling, if any).
async function refreshTile(tile) {
  const response = await fetch(tile.dataset.tile, { credentials: "same-origin" });
  if (!response.ok) return tile;
  const holder = document.createElement("ul");
  holder.innerHTML = (await response.text()).trim();
  const fresh = holder.firstElementChild;
  const ticked = tile.querySelector("input.check")?.checked;
  tile.replaceWith(fresh);
  if (ticked) fresh.querySelector("input.check").checked = true;
  window.htmx?.process(fresh);
  return fresh;
}

async function editOne(tile, body) {
  await api("PATCH", tile.dataset.api, body);
  const fresh = await refreshTile(tile);
  if (shownTile() === tile) showTile(fresh);
  return fresh;
}

function setHeart(tile, favorite) {
  tile.dataset.favorite = String(favorite);
  tile.querySelector("button.heart")?.setAttribute("aria-pressed", String(favorite));
  if (shownTile() === tile) {
    viewer.querySelector(".viewer-favorite").setAttribute("aria-pressed", String(favorite));
  }
}

async function toggleFavorite(tile) {
  const favorite = tile.dataset.favorite !== "true";
  setHeart(tile, favorite);
  try {
    await api("PATCH", tile.dataset.api, { favorite });
  } catch (error) {
    setHeart(tile, !favorite);
    showToast(gettext("Not changed: %(reason)s", { reason: error.message }));
    return;
  }
  showToast(favorite ? gettext("Added to favorites.") : gettext("Taken out of favorites."));
}

// Archived photos leave the timeline; unarchived ones leave the archive.
// The viewer's button says what it will do to the photo shown.
const archiveLabel = (archived) => (archived ? gettext("Unarchive") : pgettext("verb", "Archive"));
const leavesPage = (archived) => (shelf === "timeline" && archived) || (shelf === "archive" && !archived);

async function undoEdit(undo, putBack) {
  try {
    await api("POST", urls.undoEdit, { undo });
  } catch (error) {
    showToast(gettext("Could not undo: %(reason)s", { reason: error.message }));
    return;
  }
  putBack?.();
  showToast(gettext("Undone."));
}

// The ticked photos: ♥ (or un-♥ when all have it), archive or unarchive, date and place.
async function markSelection(mark) {
  const ids = selectedIds();
  if (!ids.length) return;
  const tiles = ids.map((id) => document.getElementById(`tile-${id}`)).filter(Boolean);
  let body;
  if (mark === "favorite") {
    body = { favorite: !tiles.every((tile) => tile.dataset.favorite === "true") };
  } else {
    body = { archived: mark === "archive" };
  }
  let answer;
  try {
    answer = await api("POST", urls.edit, { ids, ...body });
  } catch (error) {
    showToast(gettext("Nothing was changed: %(reason)s", { reason: error.message }));
    return;
  }
  const n = { photos: counted(answer.updated) };
  let putBack = null;
  if ("favorite" in body) {
    const before = new Map(tiles.map((tile) => [tile, tile.dataset.favorite === "true"]));
    tiles.forEach((tile) => setHeart(tile, body.favorite));
    putBack = () => before.forEach((was, tile) => setHeart(tile, was));
  } else if (leavesPage(body.archived)) {
    clearSelection();
    putBack = detachTiles(ids);
  } else {
    tiles.forEach((tile) => { tile.dataset.archived = String(body.archived); });
  }
  const said = "favorite" in body
    ? (body.favorite ? gettext("Added %(photos)s to favorites.", n) : gettext("Took %(photos)s out of favorites.", n))
    : (body.archived ? gettext("Archived %(photos)s: they are off the timeline.", n) : gettext("Put %(photos)s back on the timeline.", n));
  showToast(said, () => undoEdit(answer.undo, putBack));
}

function setUpViewerEdits() {
  // A share link's viewer has neither the heart nor the editor: a visitor edits nothing.
  const editor = viewer?.querySelector(".edit-form");
  if (!editor) return;
  const favorite = viewer.querySelector(".viewer-favorite");
  const details = viewer.querySelector(".viewer-edit");
  const status = editor.querySelector(".edit-status");
  const archive = editor.querySelector(".viewer-archive");
  fillOffsets(editor.querySelector("[data-offsets]"));
  viewer.addEventListener("viewer:shown", (event) => {
    const { tile } = event.detail;
    const mine = Boolean(tile.dataset.api);
    favorite.hidden = !mine;
    details.hidden = !mine;
    if (!mine) return;
    favorite.setAttribute("aria-pressed", tile.dataset.favorite);
    archive.textContent = archiveLabel(tile.dataset.archived === "true");
    const [local, offset] = splitIso(tile.dataset.takenIso);
    editor.elements.taken.value = local;
    editor.elements.offset.value = offset;
    editor.elements.description.value = tile.dataset.description || "";
    editor.elements.place.value = tile.dataset.place
      || (tile.dataset.lat ? `${tile.dataset.lat}, ${tile.dataset.lon}` : "");
    editor.dataset.placeWas = editor.elements.place.value;
    status.textContent = "";
  });
  favorite.addEventListener("click", () => { const tile = shownTile(); if (tile) toggleFavorite(tile); });
  document.addEventListener("keydown", (event) => {
    const tile = shownTile();
    if (!tile?.dataset.api || event.key.toLowerCase() !== "f" || event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest?.("input, textarea, select")) return;
    event.preventDefault();
    toggleFavorite(tile);
  });
  editor.elements.place.addEventListener("input", () => suggestTowns(editor.elements.place));
  editor.addEventListener("submit", async (event) => {
    event.preventDefault();
    const tile = shownTile();
    if (!tile) return;
    const body = {};
    const description = editor.elements.description.value;
    if (description !== (tile.dataset.description || "")) body.description = description;
    const taken = dateFrom(editor.elements.taken.value, editor.elements.offset.value);
    const [local, offset] = splitIso(tile.dataset.takenIso);
    if (taken && taken !== dateFrom(local, offset)) body.taken_at = taken;
    try {
      if (editor.elements.place.value !== editor.dataset.placeWas) {
        body.location = placeFrom(editor.elements.place.value);
      }
    } catch (error) {
      status.textContent = error.message;
      editor.elements.place.focus();
      return;
    }
    if (!Object.keys(body).length) { status.textContent = gettext("Nothing to save."); return; }
    status.textContent = gettext("Saving…");
    try {
      await editOne(tile, body);
      status.textContent = gettext("Saved.");
    } catch (error) {
      status.textContent = gettext("Not saved: %(reason)s", { reason: error.message });
    }
  });
  editor.querySelectorAll("[data-turn]").forEach((button) => {
    button.addEventListener("click", async () => {
      const tile = shownTile();
      if (!tile) return;
      const turn = Number(button.dataset.turn);
      const image = viewer.querySelector(".viewer-image");
      // Turned at once on screen; the thumbnails are made again, turned, meanwhile.
      const now = (Number(image.dataset.turned) || 0) + turn;
      image.dataset.turned = String(now);
      image.style.transform = `rotate(${now}deg)`;
      try {
        await api("PATCH", tile.dataset.api, { rotate: turn });
        status.textContent = gettext("Turned. The thumbnails are being made again.");
        await refreshTile(tile);
      } catch (error) {
        image.style.transform = "";
        status.textContent = gettext("Not turned: %(reason)s", { reason: error.message });
      }
    });
  });
  archive.addEventListener("click", async () => {
    const tile = shownTile();
    if (!tile) return;
    const archived = tile.dataset.archived !== "true";
    try {
      await api("PATCH", tile.dataset.api, { archived });
    } catch (error) {
      status.textContent = gettext("Not changed: %(reason)s", { reason: error.message });
      return;
    }
    const back = { archived: !archived };
    let putBack = null;
    if (leavesPage(archived)) {
      stepAway();
      putBack = detachTiles([tile.dataset.id]);
    } else {
      tile.dataset.archived = String(archived);
      archive.textContent = archiveLabel(archived);
    }
    showToast(archived ? gettext("Archived: it is off the timeline.") : gettext("Back on the timeline."), async () => {
      try {
        await api("PATCH", tile.dataset.api, back);
      } catch (error) {
        showToast(gettext("Could not undo: %(reason)s", { reason: error.message }));
        return;
      }
      putBack?.();
      tile.dataset.archived = String(!archived);
    });
  });
}

function setUpEditMany() {
  if (!editMany || !form) return;
  const many = editMany.querySelector("form");
  const status = many.querySelector(".edit-status");
  fillOffsets(many.querySelector("[data-offsets]"));
  many.elements.offset.value = offsetLabel(-new Date().getTimezoneOffset());
  const showFields = () => {
    many.querySelector('[data-when="shift"]').hidden = many.elements.date.value !== "shift";
    many.querySelector('[data-when="set"]').hidden = many.elements.date.value !== "set";
    many.querySelector('[data-when="set-place"]').hidden = many.elements["place-mode"].value !== "set";
  };
  many.addEventListener("change", showFields);
  showFields();
  many.elements.place.addEventListener("input", () => suggestTowns(many.elements.place));
  const opener = form.querySelector("[data-edit-many]");
  opener.hidden = false;
  opener.addEventListener("click", () => {
    editMany.querySelector("[data-edit-count]").textContent = counted(selectedIds().length);
    status.textContent = "";
    editMany.showModal();
  });
  many.querySelector("[data-cancel]").addEventListener("click", () => editMany.close());
  many.addEventListener("submit", async (event) => {
    event.preventDefault();
    const ids = selectedIds();
    const body = { ids };
    const date = many.elements.date.value;
    if (date === "shift") {
      const minutes = Number(many.elements.hours.value || 0) * 60 + Number(many.elements.minutes.value || 0);
      body.shift_seconds = Number(many.elements.way.value) * minutes * 60;
    } else if (date === "set") {
      body.taken_at = dateFrom(many.elements.taken.value, many.elements.offset.value);
      if (!body.taken_at) { status.textContent = gettext("Choose a date and time."); return; }
    }
    const placeMode = many.elements["place-mode"].value;
    try {
      if (placeMode === "set") body.location = placeFrom(many.elements.place.value);
      if (placeMode === "clear") body.location = null;
    } catch (error) {
      status.textContent = error.message;
      return;
    }
    if (Object.keys(body).length === 1) { status.textContent = gettext("Choose what to change."); return; }
    status.textContent = gettext("Saving…");
    let answer;
    try {
      answer = await api("POST", urls.edit, body);
    } catch (error) {
      status.textContent = gettext("Nothing was changed: %(reason)s", { reason: error.message });
      return;
    }
    editMany.close();
    const refresh = () => Promise.all(ids.map((id) => {
      const tile = document.getElementById(`tile-${id}`);
      return tile ? refreshTile(tile) : null;
    }));
    await refresh();
    showToast(gettext("Changed %(photos)s.", { photos: counted(answer.updated) }), () => undoEdit(answer.undo, refresh));
  });
}

export function setUpOrganise() {
  setUpViewerEdits();
  setUpEditMany();
  form?.querySelectorAll("[data-mark]").forEach((button) => {
    button.addEventListener("click", (event) => {
      event.preventDefault();
      markSelection(button.dataset.mark);
    });
  });
  // The heart on a tile: a pointer's shortcut (from the keyboard: F in the viewer, or the
  // selection bar's ♥ Favorite).
  document.addEventListener("click", (event) => {
    const heart = event.target.closest?.("button.heart");
    if (!heart) return;
    event.preventDefault();
    toggleFavorite(heart.closest(".tile"));
  });
}
