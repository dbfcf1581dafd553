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
  toast.hidden = false;
  timer = setTimeout(() => { toast.hidden = true; }, ms);
}
