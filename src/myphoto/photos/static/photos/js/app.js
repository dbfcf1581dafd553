// MyPhoto's page behaviour, as modules beside htmx; no build step. Without JavaScript
// the forms and links still work: the buttons post forms, a photo opens its own page.

import { setUpAppShell } from "./app-shell.js";
import { clearSelection, form, selectedIds, setUpSelection } from "./selection.js";
import { setUpConfirm } from "./confirm.js";
import { setUpCopyButtons } from "./copy.js";
import { setUpLongPress } from "./gestures.js";
import { setUpGridKeys } from "./gridkeys.js";
import { setUpLayout } from "./layout.js";
import { setUpLivePhotos } from "./live.js";
import { setUpMaps } from "./map.js";
import { setUpMonthSelection } from "./month.js";
import { setUpOrganise } from "./organise.js";
import { setUpViewerPeople } from "./people.js";
import { setUpScrubber } from "./scrubber.js";
import { setUpSearch } from "./search.js";
import { deletePhotos, setUpTimeline } from "./timeline.js";
import { setUpTopBar } from "./topbar.js";
import { addFiles, setUpUploads } from "./upload.js";
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
setUpTopBar();
setUpLayout();
setUpGridKeys({ viewerOpen });
setUpLongPress(document.getElementById("timeline"));
setUpTimeline();
setUpUploads();
setUpViewer();
setUpLivePhotos();
setUpScrubber({ viewerOpen });
setUpSearch();
setUpOrganise();
setUpConfirm();
setUpMonthSelection();
setUpCopyButtons();
setUpAppShell({ addFiles });
setUpMaps();
setUpViewerPeople();
// A memory's page: its slideshow from the first photo.
document.querySelector("[data-memory-slideshow]")?.addEventListener("click", () => {
  const first = document.querySelector("#timeline .tile");
  if (first && openViewer(first)) document.querySelector("#viewer .viewer-slideshow")?.click();
});
