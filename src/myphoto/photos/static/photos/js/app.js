// MyPhoto's page behaviour, as modules beside htmx; no build step. Without JavaScript
// the forms and links still work: the buttons post forms, a photo opens its own page.

import { clearSelection, form, selectedIds, setUpSelection } from "./selection.js";
import { setUpGridKeys } from "./gridkeys.js";
import { setUpLayout } from "./layout.js";
import { setUpLivePhotos } from "./live.js";
import { setUpOrganise } from "./organise.js";
import { setUpScrubber } from "./scrubber.js";
import { setUpSearch } from "./search.js";
import { deletePhotos, setUpTimeline } from "./timeline.js";
import { setUpUploads } from "./upload.js";
import { openViewer, setUpViewer, viewerOpen } from "./viewer.js";

setUpSelection({
  openTile: (tile, event) => { if (openViewer(tile)) event.preventDefault(); },
});
form?.querySelector("[data-delete]")?.addEventListener("click", (event) => {
  event.preventDefault();
  deletePhotos(selectedIds());
});
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !viewerOpen()) clearSelection();
});
setUpLayout();
setUpGridKeys({ viewerOpen });
setUpTimeline();
setUpUploads();
setUpViewer();
setUpLivePhotos();
setUpScrubber({ viewerOpen });
setUpSearch();
setUpOrganise();

// Forms that ask first (emptying the trash): the browser's dialog, then the form says so.
// Without JavaScript the server asks on a page of its own.
document.querySelectorAll("form[data-confirm]").forEach((confirming) => {
  confirming.addEventListener("submit", (event) => {
    if (!window.confirm(confirming.dataset.confirm)) {
      event.preventDefault();
      return;
    }
    const confirmed = document.createElement("input");
    Object.assign(confirmed, { type: "hidden", name: "confirmed", value: "yes" });
    confirming.append(confirmed);
  });
});
