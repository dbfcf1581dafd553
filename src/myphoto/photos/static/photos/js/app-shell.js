// The installable app's side of the page: the service worker (registered for a logged-in
// person only; a logout unregisters it and empties its cache), and the photos a phone's
// share sheet sent to the app, which the worker hands over for the upload panel.

import { gettext } from "./i18n.js";
import { showToast } from "./toast.js";

function receiveShared(addFiles) {
  const worker = navigator.serviceWorker.controller;
  const address = new URL(window.location.href);
  if (!address.searchParams.has("shared")) return;
  address.searchParams.delete("shared");
  window.history.replaceState(window.history.state, "", address);
  if (!worker) {
    showToast(gettext("Nothing arrived from the share. Open MyPhoto once, then share again."));
    return;
  }
  navigator.serviceWorker.addEventListener("message", (event) => {
    if (event.data?.type !== "shared-files") return;
    if (event.data.files.length) addFiles(event.data.files);
    else showToast(gettext("Nothing arrived from the share. Share again."));
  });
  worker.postMessage({ type: "share-ready" });
}

export function setUpAppShell({ addFiles }) {
  const script = document.body.dataset.serviceWorker;
  if (!script || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(script, { scope: "/" }).catch(() => {});
  receiveShared(addFiles);
}
