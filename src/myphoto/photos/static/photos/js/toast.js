// A short message at the bottom of the page, with an optional Undo.

const toast = document.querySelector(".toast");
let timer = null;

export function showToast(text, onUndo, ms = 8000) {
  if (!toast) return;
  clearTimeout(timer);
  toast.querySelector(".toast-text").textContent = text;
  const undo = toast.querySelector(".toast-undo");
  undo.hidden = !onUndo;
  undo.onclick = onUndo ? () => { toast.hidden = true; onUndo(); } : null;
  // Above an open dialog (the viewer, a sheet): the page under a modal dialog is inert.
  const host = document.querySelector("dialog[open]") || document.body;
  if (toast.parentNode !== host) host.append(toast);
  toast.hidden = false;
  timer = setTimeout(() => { toast.hidden = true; }, ms);
}

// A dialog closing with the toast in it hands it back to the page, still showing.
document.addEventListener("close", (event) => {
  if (toast && event.target.contains(toast)) document.body.append(toast);
}, true);
