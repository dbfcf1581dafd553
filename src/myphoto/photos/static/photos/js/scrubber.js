// The scrubber: the library's months along the right edge, each as tall as its share of
// the photos. Hover shows a month; a click, a drag or the keyboard jumps there at once,
// loading that month's page directly; the URL keeps the place for back, forward and reload.

import { gettext } from "./i18n.js";
import { layOutAll } from "./layout.js";
import { firstTileBelow } from "./timeline.js";
import { showToast } from "./toast.js";

const timeline = document.getElementById("timeline");
// Read from the page when the scrubber is set up (a search's arrives after its photos).
let nav = null;
let months = [];
let handle = null;
let bubble = null;
let indexOf = new Map();
// Where each month begins, as a share of the scrubber's height (newest at the top).
let starts = [];

function readScrubber() {
  nav = document.querySelector("[data-scrubber]");
  months = JSON.parse(document.getElementById("scrubber-months")?.textContent || "[]");
  handle = nav?.querySelector(".scrubber-handle");
  bubble = nav?.querySelector(".scrubber-bubble");
  indexOf = new Map(months.map((entry, index) => [entry.month, index]));
  const total = months.reduce((sum, entry) => sum + entry.count, 0);
  starts = [];
  months.reduce((before, entry) => { starts.push(before / total); return before + entry.count; }, 0);
}

let current = 0;
let dragging = false;
let landing = false;

function monthAt(clientY) {
  const box = nav.getBoundingClientRect();
  const share = Math.min(Math.max((clientY - box.top) / box.height, 0), 0.999999);
  let index = 0;
  while (index + 1 < starts.length && starts[index + 1] <= share) index += 1;
  return index;
}

function place(element, index) {
  element.style.top = `${(starts[index] * 100).toFixed(3)}%`;
}

function showBubble(index) {
  bubble.textContent = months[index].label;
  place(bubble, index);
  bubble.hidden = false;
}

function setCurrent(index) {
  current = index;
  place(handle, index);
  // A vertical slider's value grows upwards: the newest month, at the top, is the maximum.
  handle.setAttribute("aria-valuenow", String(months.length - 1 - index));
  handle.setAttribute("aria-valuetext", months[index].label);
}

let jumps = 0;

// The address of a month of this timeline, keeping what narrows it (`kind=video`, `q=`).
function monthQuery(month) {
  const query = new URLSearchParams();
  const now = new URLSearchParams(location.search);
  for (const name of ["q", "kind"]) if (now.get(name)) query.set(name, now.get(name));
  query.set("month", month);
  return `?${query}`;
}

// Load the page that starts at `months[index]`: that month's photos, never the ones before.
// When jumps overlap (keys held, quick clicks), only the last one's page is shown. Until
// it has landed, the view is not where the URL says, so `follow` leaves the URL alone.
export async function jumpTo(index, { remember = true } = {}) {
  if (!months.length || !window.htmx) return;
  index = Math.min(Math.max(index, 0), months.length - 1);
  setCurrent(index);
  const month = months[index].month;
  if (remember) history.pushState({ month }, "", monthQuery(month));
  const jump = ++jumps;
  landing = true;
  try {
    const response = await fetch(`${document.body.dataset.timelineUrl}${monthQuery(month)}`, {
      credentials: "same-origin",
      headers: { "HX-Request": "true" },
    });
    if (!response.ok) throw new Error(gettext("The server answered %(status)s.", { status: response.status }));
    const html = await response.text();
    if (jump !== jumps) return; // a later jump is under way
    window.htmx.swap(timeline, html, { swapStyle: "innerHTML" });
    layOutAll();
    showFirstDay();
    lastShown = month;
  } catch (error) {
    if (jump === jumps) showToast(gettext("Could not open %(month)s: %(reason)s", { month: months[index].label, reason: error.message }));
  } finally {
    if (jump === jumps) landing = false;
  }
}

function topBarHeight() {
  return document.querySelector(".topbar")?.getBoundingClientRect().height || 0;
}

// The first day of the page at the top of the view, under the top bar.
function showFirstDay() {
  const first = timeline.querySelector(".day");
  if (!first) return;
  const top = first.getBoundingClientRect().top + window.scrollY - topBarHeight();
  window.scrollTo({ top: Math.max(top, 0), behavior: "instant" });
}

// The month at the top of the view: the scrubber's handle, and the URL, follow it.
let lastShown = null;
function follow() {
  if (dragging || landing) return;
  const line = topBarHeight() + 8;
  const day = firstTileBelow(line)?.closest(".day");
  if (!day) return;
  const month = day.dataset.day.slice(0, 7);
  const index = indexOf.get(month);
  if (index === undefined || month === lastShown) return;
  lastShown = month;
  setCurrent(index);
  // Replaced, not pushed: scrolling is not a step to go back through.
  if (window.scrollY > 0 || new URLSearchParams(location.search).has("month")) {
    history.replaceState({ month }, "", monthQuery(month));
  }
}

// Years whose share of the height is too small for their label lose it (the bubble still
// names every month): labels never overlap, at any library span or window height.
function thinYearLabels() {
  let free = -Infinity;
  nav.querySelectorAll(".scrubber-years li").forEach((year) => {
    const label = year.querySelector("a");
    const fits = year.offsetTop >= free;
    label.classList.toggle("crowded", !fits);
    if (fits) free = year.offsetTop + label.offsetHeight;
  });
}

const typing = (target) => target.closest?.("input, textarea, select, [contenteditable]");

export function setUpScrubber({ viewerOpen }) {
  readScrubber();
  if (!nav && document.querySelector(".scrubber[hx-get]")) {
    // Its months are on their way: set up when they are swapped in.
    document.body.addEventListener("htmx:load", function arrived(event) {
      if (!event.detail.elt.matches?.("[data-scrubber]")) return;
      document.body.removeEventListener("htmx:load", arrived);
      setUpScrubber({ viewerOpen });
    });
    return;
  }
  if (!nav || !months.length || !timeline) return;
  handle.hidden = false;
  nav.classList.add("enhanced");
  // Just below the top bar, whose height depends on the width (its links wrap on a phone).
  const belowTopBar = () => { nav.style.top = `${Math.ceil(topBarHeight()) + 12}px`; thinYearLabels(); };
  belowTopBar();
  window.addEventListener("resize", belowTopBar);
  // The slider is the keyboard's way in now; one tab stop, not one per year.
  nav.querySelectorAll(".scrubber-years a").forEach((link) => { link.tabIndex = -1; });
  setCurrent(indexOf.get(document.getElementById("selection")?.dataset.month) ?? 0);

  nav.addEventListener("pointermove", (event) => {
    const index = monthAt(event.clientY);
    showBubble(index);
    if (dragging) place(handle, index);
  });
  nav.addEventListener("pointerleave", () => { if (!dragging) bubble.hidden = true; });
  nav.addEventListener("pointerdown", (event) => {
    if (event.button !== 0) return;
    event.preventDefault(); // not a text selection, and not the year link's click
    dragging = true;
    nav.setPointerCapture(event.pointerId);
    showBubble(monthAt(event.clientY));
    place(handle, monthAt(event.clientY));
  });
  nav.addEventListener("pointerup", (event) => {
    if (!dragging) return;
    dragging = false;
    bubble.hidden = true;
    jumpTo(monthAt(event.clientY));
  });
  nav.addEventListener("pointercancel", () => { dragging = false; bubble.hidden = true; setCurrent(current); });
  nav.addEventListener("click", (event) => {
    const link = event.target.closest("a");
    if (!link) return;
    event.preventDefault(); // a pointer's click has jumped already, on pointerup
    if (event.detail === 0) {
      // Enter on a year link (a click with no pointer): jump to that year.
      jumpTo(indexOf.get(new URL(link.href).searchParams.get("month")) ?? 0);
    }
  });

  // The slider's keys (WAI-ARIA): a month, a year, the newest, the oldest.
  let pending = null;
  handle.addEventListener("keydown", (event) => {
    const yearAway = (direction) => {
      let index = current;
      const year = months[current].month.slice(0, 4);
      while (months[index + direction] && months[index].month.slice(0, 4) === year) index += direction;
      return index;
    };
    const moves = {
      ArrowDown: current + 1, ArrowRight: current + 1, ArrowUp: current - 1, ArrowLeft: current - 1,
      PageDown: yearAway(1), PageUp: yearAway(-1), Home: 0, End: months.length - 1,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    event.stopPropagation();
    const index = Math.min(Math.max(moves[event.key], 0), months.length - 1);
    setCurrent(index);
    showBubble(index);
    // Holding a key runs through months; only where it stops is loaded.
    clearTimeout(pending);
    pending = setTimeout(() => { bubble.hidden = true; jumpTo(index); }, 250);
  });

  // Home and End anywhere on the page: the newest and the oldest photos.
  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || typing(event.target) || viewerOpen()) return;
    if (event.key === "Home" && !event.ctrlKey) { event.preventDefault(); jumpTo(0); }
    if (event.key === "End" && !event.ctrlKey) { event.preventDefault(); jumpTo(months.length - 1); }
  });

  window.addEventListener("popstate", (event) => {
    const month = event.state?.month || new URLSearchParams(location.search).get("month");
    jumpTo(month ? indexOf.get(month) ?? 0 : 0, { remember: false });
  });
  let ticking = false;
  window.addEventListener("scroll", () => {
    if (ticking) return;
    ticking = true;
    requestAnimationFrame(() => { ticking = false; follow(); });
  }, { passive: true });
  document.addEventListener("timeline:changed", follow);
  // The place is this script's to keep: the browser restoring an old scroll
  // position after back or reload would land on another month.
  history.scrollRestoration = "manual";
  const month = new URLSearchParams(location.search).get("month");
  history.replaceState({ month }, "");
  if (month) showFirstDay();
}
