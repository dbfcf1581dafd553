// The viewer: a photo large with its details, ← and → for the next one, Esc to close.

import { gettext } from "./i18n.js";
import { deletePhotos, timelineTiles } from "./timeline.js";
import { setUpSlideshow } from "./slideshow.js";
import { setUpViewerGestures } from "./gestures.js";

const viewer = document.getElementById("viewer");
let shown = null;

function showInViewer(tile) {
  shown = tile;
  viewer.querySelector(".viewer-image").style.transform = "";
  const data = tile.dataset;
  const image = viewer.querySelector(".viewer-image");
  const video = viewer.querySelector(".viewer-video");
  const poster = data.preview || tile.querySelector("img")?.src || "";
  stopVideo();
  video.controls = true;
  video.muted = false;
  viewer.querySelector(".viewer-live").setAttribute("aria-pressed", "false");
  // A video plays in place of the picture, its poster shown until it starts.
  image.hidden = Boolean(data.playback);
  video.hidden = !data.playback;
  if (data.playback) {
    video.poster = poster;
    video.src = data.playback;
    video.setAttribute("aria-label", gettext("%(name)s, video, %(length)s", { name: data.name, length: data.duration }));
    image.removeAttribute("src");
  } else {
    image.src = poster;
    image.alt = data.name;
  }
  viewer.querySelector(".viewer-live").hidden = !data.motion;
  for (const part of viewer.querySelectorAll(".viewer-duration, .viewer-duration-label")) {
    part.hidden = !data.playback;
  }
  viewer.querySelector(".viewer-duration").textContent = data.duration || "";
  viewer.querySelector(".viewer-name").textContent = data.name;
  viewer.querySelector(".viewer-taken").textContent =
    data.taken + (data.takenSource === "upload" ? ` ${gettext("(upload time)")}` : "");
  viewer.querySelector(".viewer-camera").textContent = data.camera || "—";
  for (const part of viewer.querySelectorAll(".viewer-lens, .viewer-lens-label")) {
    part.hidden = !data.lens;
  }
  viewer.querySelector(".viewer-lens").textContent = data.lens || "";
  // A photo of an adopted library: its file stays there, read in place.
  for (const part of viewer.querySelectorAll(".viewer-library, .viewer-library-label")) {
    part.hidden = !data.library;
  }
  viewer.querySelector(".viewer-library").textContent = data.library ? gettext("In %(library)s", { library: data.library }) : "";
  viewer.querySelector(".viewer-dimensions").textContent = data.dimensions;
  viewer.querySelector(".viewer-size").textContent = data.size;
  const place = viewer.querySelector(".viewer-place");
  place.replaceChildren();
  if (data.lat) {
    const link = document.createElement("a");
    link.href = `https://www.openstreetmap.org/?mlat=${data.lat}&mlon=${data.lon}#map=15/${data.lat}/${data.lon}`;
    link.target = "_blank";
    link.rel = "noopener";
    // The town's name where one is near enough, else the coordinates; either opens the map.
    link.textContent = data.place || `${Number(data.lat).toFixed(5)}, ${Number(data.lon).toFixed(5)}`;
    place.append(link);
  } else {
    place.textContent = "—";
  }
  // A share link that allows no download has no download to offer.
  const download = viewer.querySelector(".viewer-download");
  if (download) {
    download.hidden = !data.download;
    download.href = data.download || "#";
  }
  // A RAW+JPEG shot: the JPEG is shown, the RAW is the other file to download.
  const raw = viewer.querySelector(".viewer-download-raw");
  if (raw) {
    raw.hidden = !data.raw;
    raw.href = data.raw || "#";
  }
  const description = viewer.querySelector(".viewer-description");
  description.textContent = data.description || "";
  description.hidden = !data.description;
  viewer.querySelector(".viewer-description-label").hidden = !data.description;
  const tiles = timelineTiles();
  const index = tiles.indexOf(tile);
  viewer.querySelector(".viewer-prev").hidden = index <= 0;
  viewer.querySelector(".viewer-next").hidden = index >= tiles.length - 1;
  // What the owner can do with it (organise.js): their photos only.
  viewer.dispatchEvent(new CustomEvent("viewer:shown", { detail: { tile } }));
}

export const shownTile = () => (viewer?.open ? shown : null);

// Show `tile` in the open viewer (after an edit replaced the tile it showed).
export function showTile(tile) {
  if (viewer?.open && tile) showInViewer(tile);
}

// Leave the shown tile for its neighbour (it left the page: deleted, archived).
export function stepAway() {
  const tiles = timelineTiles();
  const after = tiles[tiles.indexOf(shown) + 1] || tiles[tiles.indexOf(shown) - 1];
  if (after) showInViewer(after); else viewer.close();
}

// Stop and unload a video the viewer leaves (its download stops with it).
function stopVideo() {
  const video = viewer.querySelector(".viewer-video");
  if (!video.getAttribute("src")) return;
  video.pause();
  video.removeAttribute("src");
  video.load();
}

// A Live Photo moves while its Live button is pressed (or the still hovered), then stills.
function playMotion() {
  const motion = shown?.dataset.motion;
  if (!motion || !viewer.querySelector(".viewer-video").hidden) return;
  const image = viewer.querySelector(".viewer-image");
  const video = viewer.querySelector(".viewer-video");
  video.controls = false;
  video.muted = true;
  video.poster = image.src;
  video.src = motion;
  image.hidden = true;
  video.hidden = false;
  viewer.querySelector(".viewer-live").setAttribute("aria-pressed", "true");
  video.play().catch(() => {});
}

function stillMotion() {
  const video = viewer.querySelector(".viewer-video");
  if (!shown?.dataset.motion || video.hidden) return;
  stopVideo();
  video.hidden = true;
  video.controls = true;
  video.muted = false;
  viewer.querySelector(".viewer-image").hidden = false;
  viewer.querySelector(".viewer-live").setAttribute("aria-pressed", "false");
}

// Show the next (1) or previous (-1) photo; false when there is none.
export function step(delta) {
  const tiles = timelineTiles();
  const next = tiles[tiles.indexOf(shown) + delta];
  if (next) showInViewer(next);
  return Boolean(next);
}

export const viewerOpen = () => Boolean(viewer?.open);

// Open `tile` in the viewer; false where the page has no viewer (then the link is followed).
export function openViewer(tile) {
  if (!viewer) return false;
  showInViewer(tile);
  viewer.showModal();
  return true;
}

export function setUpViewer() {
  if (!viewer) return;
  viewer.querySelector(".viewer-prev").addEventListener("click", () => step(-1));
  viewer.querySelector(".viewer-next").addEventListener("click", () => step(1));
  viewer.querySelector(".viewer-close").addEventListener("click", () => viewer.close());
  setUpViewerGestures(viewer, { step });
  setUpSlideshow(viewer, { step });
  const live = viewer.querySelector(".viewer-live");
  live.addEventListener("pointerdown", playMotion);
  for (const name of ["pointerup", "pointerleave", "pointercancel"]) {
    live.addEventListener(name, stillMotion);
  }
  // From the keyboard: Enter or Space plays it once more, or stops it.
  live.addEventListener("click", (event) => {
    if (event.detail !== 0) return; // a pointer's press was handled above
    if (live.getAttribute("aria-pressed") === "true") stillMotion(); else playMotion();
  });
  viewer.querySelector(".viewer-video").addEventListener("ended", stillMotion);
  const image = viewer.querySelector(".viewer-image");
  image.addEventListener("pointerenter", (event) => {
    if (event.pointerType === "mouse") playMotion();
  });
  viewer.querySelector(".viewer-stage").addEventListener("pointerleave", (event) => {
    if (event.pointerType === "mouse") stillMotion();
  });
  // On the document: a step can hide the focused arrow button, and focus leaves the dialog.
  document.addEventListener("keydown", (event) => {
    if (!viewer.open) return;
    if (event.key === "ArrowLeft") { event.preventDefault(); step(-1); }
    if (event.key === "ArrowRight") { event.preventDefault(); step(1); }
  });
  viewer.addEventListener("close", () => {
    stopVideo();
    shown?.querySelector("a.open")?.focus();
  });
  viewer.querySelector(".viewer-delete")?.addEventListener("click", () => {
    const doomed = shown;
    stepAway();
    deletePhotos([doomed.dataset.id]);
  });
  // A tile made again (its turned thumbnail is ready): the viewer shows the new one.
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const tile = event.detail.elt?.id ? document.getElementById(event.detail.elt.id) : null;
    if (viewer.open && shown && tile && tile !== shown && tile.id === shown.id) showInViewer(tile);
  });
}
