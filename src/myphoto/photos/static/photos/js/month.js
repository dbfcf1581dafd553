// Selecting a whole month: the month of the photo ticked last, from the selection bar.
// The infinite scroll may not have brought all of it yet: its pages are fetched first,
// through the grid's own "older" and "newer" loaders (so a page is never fetched twice).

import { gettext, language } from "./i18n.js";
import { boxes, form, lastPickedId, refreshSelection } from "./selection.js";

const button = form?.querySelector("[data-select-month]");

const monthOf = (element) => element.closest(".day")?.dataset.day?.slice(0, 7);

function monthName(month) {
  const [year, number] = month.split("-").map(Number);
  const options = { year: "numeric", month: "long", timeZone: "UTC" };
  return new Intl.DateTimeFormat(language, options).format(Date.UTC(year, number - 1, 15));
}

function offerMonth() {
  const picked = boxes().find((box) => box.value === lastPickedId() && box.checked);
  const month = picked && monthOf(picked);
  button.hidden = !month;
  if (!month) return;
  button.dataset.month = month;
  button.textContent = gettext("Select all of %(month)s", { month: monthName(month) });
}

// The loader to fetch next, while the loaded days may not hold the whole month: older
// pages while the oldest day loaded is still in it (or newer), newer ones likewise.
function loaderTowards(month) {
  const days = Array.from(
    document.querySelectorAll("#timeline .day"), (day) => day.dataset.day.slice(0, 7)
  );
  if (days.length === 0) return null;
  const older = document.querySelector("#timeline .more:not(.newer)");
  if (older && days[days.length - 1] >= month) return older;
  const newer = document.querySelector("#timeline .more.newer");
  if (newer && days[0] <= month) return newer;
  return null;
}

async function selectMonth(month) {
  button.disabled = true;
  try {
    for (let loader = loaderTowards(month); loader; loader = loaderTowards(month)) {
      const url = loader.getAttribute("hx-get");
      try {
        await window.htmx.ajax("GET", url, { source: loader, target: loader, swap: "outerHTML" });
      } catch {
        break; // the server out of reach: select what is here
      }
      if (loader.isConnected) break; // refused: select what is here
    }
    boxes().filter((box) => monthOf(box) === month).forEach((box) => { box.checked = true; });
    refreshSelection();
  } finally {
    button.disabled = false;
  }
}

export function setUpMonthSelection() {
  if (!button) return;
  document.addEventListener("selection:changed", offerMonth);
  button.addEventListener("click", () => selectMonth(button.dataset.month));
  offerMonth();
}
