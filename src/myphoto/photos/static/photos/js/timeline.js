// The timeline: its count, infinite scroll by htmx pages, deleting tiles with Undo.

import { api, plural, urls } from "./api.js";
import { clearSelection, refreshSelection } from "./selection.js";
import { showToast } from "./toast.js";

export const timelineTiles = () => Array.from(document.querySelectorAll("#timeline .tile"));

function adjustCount(delta) {
  const counter = document.getElementById("photo-count");
  if (!counter) return;
  const n = Math.max(0, (parseInt(counter.textContent, 10) || 0) + delta);
  counter.textContent = plural(n, "photo");
  const empty = document.querySelector("[data-empty-state]");
  if (empty) empty.hidden = n > 0;
}

// Move photos to the trash, take their tiles off the page, and offer to undo it.
export async function deletePhotos(ids) {
  if (!ids.length) return;
  try {
    await api("POST", urls.delete, { ids });
  } catch (error) {
    showToast(`Nothing was deleted: ${error.message}`);
    return;
  }
  clearSelection(); // before the tiles leave the page, so that Undo brings them back unticked
  const removed = [];
  const detach = (node) => { removed.push({ node, parent: node.parentNode, next: node.nextSibling }); node.remove(); };
  ids.forEach((id) => { const tile = document.getElementById(`tile-${id}`); if (tile) detach(tile); });
  document.querySelectorAll("#timeline .day").forEach((day) => { if (!day.querySelector(".tile")) detach(day); });
  adjustCount(-ids.length);
  refreshSelection();
  showToast(`Moved ${plural(ids.length, "photo")} to the trash.`, async () => {
    try {
      await api("POST", urls.restore, { ids });
    } catch (error) {
      showToast(`Could not undo: ${error.message} The photos are in the trash.`);
      return;
    }
    removed.reverse().forEach(({ node, parent, next }) => parent.insertBefore(node, next));
    adjustCount(ids.length);
    refreshSelection();
    showToast(`Restored ${plural(ids.length, "photo")}.`);
  });
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
    window.htmx.ajax("GET", document.body.dataset.timelineUrl, { target: "#timeline", swap: "innerHTML" });
  }, 400);
}

export function setUpTimeline() {
  document.body.addEventListener("htmx:afterSettle", () => {
    mergeDays();
    refreshSelection();
    const timeline = document.getElementById("timeline");
    const empty = document.querySelector("[data-empty-state]");
    if (timeline && empty) empty.hidden = !!timeline.querySelector(".tile");
  });
}
