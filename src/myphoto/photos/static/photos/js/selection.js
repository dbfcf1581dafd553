// Ticking photos: click, shift-click for a range, a day's circle for the day, Esc to clear.
// The form around the grid posts the ticked ids when there is no JavaScript.

import { gettext, number } from "./i18n.js";

export const form = document.getElementById("selection");
// The id of the photo ticked last (the start of a shift-click's range): its box may be
// a new one by then, the grid having been fetched again (after an upload).
let lastPicked = null;

export const lastPickedId = () => lastPicked;
export const boxes = () => (form ? Array.from(form.querySelectorAll('input.check[name="ids"]')) : []);
export const selectedIds = () => boxes().filter((box) => box.checked).map((box) => box.value);

export function refreshSelection() {
  if (!form) return;
  const n = form.querySelectorAll('input.check[name="ids"]:checked').length;
  const bar = form.querySelector(".selection-bar");
  if (bar) bar.hidden = n === 0;
  const counter = form.querySelector(".selected-count");
  if (counter) counter.textContent = gettext("%(count)s selected", { count: number(n) });
  form.classList.toggle("selecting", n > 0);
  document.dispatchEvent(new CustomEvent("selection:changed", { detail: { count: n } }));
  // A day's circle is pressed when all of its photos are ticked. Nothing ticked (a page
  // of tiles arriving, most often): only the circles pressed change, not every day's.
  if (!n) {
    form.querySelectorAll('.day-pick[aria-pressed="true"]').forEach((button) => button.setAttribute("aria-pressed", "false"));
    return;
  }
  form.querySelectorAll(".day").forEach((day) => {
    const all = String(day.querySelector("input.check") !== null && day.querySelector("input.check:not(:checked)") === null);
    const button = day.querySelector(".day-pick");
    if (button && button.getAttribute("aria-pressed") !== all) button.setAttribute("aria-pressed", all);
  });
}

export function pick(box, checked, shiftKey) {
  const all = boxes();
  const anchor = all.findIndex((other) => other.value === lastPicked);
  if (shiftKey && anchor >= 0 && lastPicked !== box.value) {
    const [from, to] = [anchor, all.indexOf(box)].sort((a, b) => a - b);
    all.slice(from, to + 1).forEach((other) => { other.checked = checked; });
  }
  box.checked = checked;
  lastPicked = box.value;
  refreshSelection();
}

// The ticks survive the grid, or a tile, being fetched again (new photos arriving after an
// upload, a thumbnail made).
export function keepTicksAcrossSwaps() {
  let ticked = null;
  document.body.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (target?.id === "timeline" || target?.classList?.contains("tile")) {
      ticked = new Set(selectedIds());
    }
  });
  document.body.addEventListener("htmx:afterSettle", () => {
    if (!ticked) return;
    boxes().forEach((box) => { if (ticked.has(box.value)) box.checked = true; });
    ticked = null;
    refreshSelection();
  });
}

export function clearSelection() {
  boxes().forEach((box) => { box.checked = false; });
  lastPicked = null;
  refreshSelection();
}

// `openTile(tile, event)` is asked what a click on a picture does while nothing is ticked.
export function setUpSelection({ openTile }) {
  if (!form) return;
  form.addEventListener("click", (event) => {
    const box = event.target.closest("input.check");
    if (box) { pick(box, box.checked, event.shiftKey); return; }
    const dayPick = event.target.closest(".day-pick");
    if (dayPick) {
      const dayBoxes = Array.from(dayPick.closest(".day").querySelectorAll("input.check"));
      const checked = !dayBoxes.every((other) => other.checked);
      dayBoxes.forEach((other) => { other.checked = checked; });
      refreshSelection();
      return;
    }
    const open = event.target.closest("a.open");
    if (!open) return;
    const tileBox = open.closest(".tile").querySelector("input.check");
    // While photos are selected, a click (or shift/ctrl-click) selects instead of opening.
    if (selectedIds().length > 0 || event.shiftKey || event.ctrlKey || event.metaKey) {
      event.preventDefault();
      pick(tileBox, !tileBox.checked, event.shiftKey);
    } else {
      openTile(open.closest(".tile"), event);
    }
  });
  form.querySelector("[data-clear]")?.addEventListener("click", clearSelection);
  keepTicksAcrossSwaps();
  document.querySelector("[data-select-all]")?.addEventListener("click", () => {
    boxes().forEach((box) => { box.checked = true; });
    refreshSelection();
  });
  refreshSelection();
}
