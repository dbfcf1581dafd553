// The timeline: its count, infinite scroll by htmx pages, deleting tiles with Undo.

import { api, urls } from "./api.js";
import { counted, gettext } from "./i18n.js";
import { layOutAll } from "./layout.js";
import { clearSelection, refreshSelection } from "./selection.js";
import { showToast } from "./toast.js";

export const timelineTiles = () => Array.from(document.querySelectorAll("#timeline .tile"));

function adjustCount(delta) {
  const counter = document.getElementById("photo-count");
  // The number, not the words: "1,234 photos" and "사진 3장" do not parse.
  if (!counter || counter.dataset.count === "") return;
  const n = Math.max(0, Number(counter.dataset.count) + delta);
  counter.dataset.count = String(n);
  counter.textContent = counted(n, counter.dataset.noun || "photo");
  const empty = document.querySelector("[data-empty-state]");
  if (empty) empty.hidden = n > 0;
}

// Move photos to the trash, take their tiles off the page, and offer to undo it.
export async function deletePhotos(ids) {
  if (!ids.length) return;
  try {
    await api("POST", urls.delete, { ids });
  } catch (error) {
    showToast(gettext("Nothing was deleted: %(reason)s", { reason: error.message }));
    return;
  }
  clearSelection(); // before the tiles leave the page, so that Undo brings them back unticked
  const putBack = detachTiles(ids);
  showToast(gettext("Moved %(photos)s to the trash.", { photos: counted(ids.length) }), async () => {
    try {
      await api("POST", urls.restore, { ids });
    } catch (error) {
      showToast(gettext("Could not undo: %(reason)s The photos are in the trash.", { reason: error.message }));
      return;
    }
    putBack();
    showToast(gettext("Restored %(photos)s.", { photos: counted(ids.length) }));
  });
}

// Take the photos' tiles (and days left empty) off the page, the count with them; returns
// what puts them back where they were (an Undo: of a delete, of an archive).
export function detachTiles(ids) {
  const removed = [];
  const detach = (node) => { removed.push({ node, parent: node.parentNode, next: node.nextSibling }); node.remove(); };
  ids.forEach((id) => { const tile = document.getElementById(`tile-${id}`); if (tile) detach(tile); });
  document.querySelectorAll("#timeline .day").forEach((day) => { if (!day.querySelector(".tile")) detach(day); });
  adjustCount(-ids.length);
  refreshSelection();
  return () => {
    removed.reverse().forEach(({ node, parent, next }) => parent.insertBefore(node, next));
    adjustCount(ids.length);
    refreshSelection();
  };
}

// A page of the infinite scroll may begin with the day the previous one ended with.
function mergeDays() {
  let previous = null;
  document.querySelectorAll("#timeline .day").forEach((day) => {
    if (previous && previous.dataset.day === day.dataset.day) {
      previous.querySelector(".grid").append(...day.querySelectorAll(".tile"));
      day.remove();
    } else {
      previous = day;
    }
  });
}

let refreshTimer = null;

// New photos appear without a reload: the first page of the timeline is fetched again.
export function refreshTimeline() {
  const timeline = document.getElementById("timeline");
  if (!timeline || !window.htmx) return;
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    // The first page of this timeline as it is narrowed (a search's words, photos or videos).
    const now = new URLSearchParams(location.search);
    const query = new URLSearchParams();
    for (const name of ["q", "kind"]) if (now.get(name)) query.set(name, now.get(name));
    const url = `${document.body.dataset.timelineUrl}${query.size ? `?${query}` : ""}`;
    window.htmx.ajax("GET", url, { target: "#timeline", swap: "innerHTML" });
  }, 400);
}

// Newer photos arrive above what is on screen (scrolling up after a jump). The tile at
// the top of the view is the anchor: after the swap the view moves by as much as the
// tile did, so what the reader was looking at stays where it was. A tile, not a day:
// days merge when a page ends in the day the next begins with, tiles only move. If
// the anchor has left the page meanwhile (a jump replaced everything), nothing moves.
let anchor = null;

// The first tile whose bottom is below `line` (px from the top of the view). Tiles go
// down the page in their order, so a binary search: thousands of tiles after a long scroll.
export function firstTileBelow(line) {
  const tiles = document.querySelectorAll("#timeline .tile");
  let [low, high] = [0, tiles.length];
  while (low < high) {
    const middle = (low + high) >> 1;
    if (tiles[middle].getBoundingClientRect().bottom > line) high = middle;
    else low = middle + 1;
  }
  return tiles[low];
}

const tileInView = () => firstTileBelow(document.querySelector(".topbar")?.getBoundingClientRect().bottom || 0);

export function setUpTimeline() {
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    if (!event.detail.elt?.matches?.("[data-newer]")) return;
    const tile = tileInView();
    anchor = tile ? { tile, top: tile.getBoundingClientRect().top } : null;
  });
  // htmx settles each top-level node of a page apart (every day of it): the page is
  // tidied once, after the last of them, in the same task (before it is painted).
  let settling = false;
  document.body.addEventListener("htmx:afterSettle", () => {
    if (settling) return;
    settling = true;
    queueMicrotask(() => { settling = false; afterPage(); });
  });
  const afterPage = () => {
    mergeDays();
    layOutAll();
    if (anchor && document.contains(anchor.tile)) {
      window.scrollBy(0, anchor.tile.getBoundingClientRect().top - anchor.top);
    }
    anchor = null;
    refreshSelection();
    const timeline = document.getElementById("timeline");
    const empty = document.querySelector("[data-empty-state]");
    if (timeline && empty) empty.hidden = !!timeline.querySelector(".tile");
    document.dispatchEvent(new CustomEvent("timeline:changed"));
  };
}
