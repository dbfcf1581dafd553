// Touch in the viewer: swipe left or right for the next or previous photo, down to close;
// pinch to zoom a photo (two fingers), then one finger moves it; a double tap zooms in
// or back out. A tile held (long press) starts selecting; taps then add to it.

import { pick, selectedIds } from "./selection.js";

const SWIPE = 60; // px a finger travels for a swipe
const HOLD_MS = 500;
const MAX_ZOOM = 5;

export function setUpViewerGestures(viewer, { step }) {
  const stage = viewer.querySelector(".viewer-stage");
  const image = viewer.querySelector(".viewer-image");
  const fingers = new Map(); // pointerId -> {x, y}
  let start = null; // where one finger went down
  let pinch = null; // {distance, zoom} when two went down
  let zoom = 1;
  let pan = { x: 0, y: 0 };
  let lastTap = 0;

  const apply = () => {
    image.style.scale = zoom === 1 ? "" : String(zoom);
    image.style.translate = zoom === 1 ? "" : `${pan.x}px ${pan.y}px`;
  };
  const reset = () => { zoom = 1; pan = { x: 0, y: 0 }; apply(); };
  viewer.addEventListener("viewer:shown", reset);
  viewer.addEventListener("close", reset);
  const spread = () => {
    const [a, b] = [...fingers.values()];
    return Math.hypot(a.x - b.x, a.y - b.y);
  };

  stage.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse" || event.target.closest("button, video")) return;
    fingers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (fingers.size === 2 && !image.hidden) {
      pinch = { distance: spread(), zoom };
      start = null;
    } else if (fingers.size === 1) {
      start = { x: event.clientX, y: event.clientY, pan: { ...pan } };
    }
  });
  stage.addEventListener("pointermove", (event) => {
    if (!fingers.has(event.pointerId)) return;
    fingers.set(event.pointerId, { x: event.clientX, y: event.clientY });
    if (pinch && fingers.size === 2) {
      zoom = Math.min(Math.max((pinch.zoom * spread()) / pinch.distance, 1), MAX_ZOOM);
      if (zoom === 1) pan = { x: 0, y: 0 };
      apply();
    } else if (start && zoom > 1) {
      pan = { x: start.pan.x + event.clientX - start.x, y: start.pan.y + event.clientY - start.y };
      apply();
    }
  });
  const lift = (event) => {
    if (!fingers.delete(event.pointerId)) return;
    if (pinch) { if (!fingers.size) pinch = null; return; }
    if (!start) return;
    const dx = event.clientX - start.x;
    const dy = event.clientY - start.y;
    start = null;
    if (event.type === "pointercancel") return;
    if (zoom > 1) return; // a zoomed photo moves; it does not swipe
    if (Math.abs(dx) > SWIPE && Math.abs(dx) > Math.abs(dy)) step(dx < 0 ? 1 : -1);
    else if (dy > SWIPE * 1.5 && dy > Math.abs(dx)) viewer.close();
    else if (Math.abs(dx) < 10 && Math.abs(dy) < 10) {
      const now = Date.now();
      if (now - lastTap < 300 && !image.hidden) {
        zoom = zoom > 1 ? 1 : 2.5;
        pan = { x: 0, y: 0 };
        apply();
      }
      lastTap = now;
    }
  };
  stage.addEventListener("pointerup", lift);
  stage.addEventListener("pointercancel", lift);
}

// Hold a tile to start selecting (a phone has no hover and no shift key).
export function setUpLongPress(grid) {
  if (!grid) return;
  let timer = null;
  let held = null;
  let origin = null;
  const cancel = () => { clearTimeout(timer); timer = null; };
  grid.addEventListener("pointerdown", (event) => {
    if (event.pointerType === "mouse") return;
    const tile = event.target.closest(".tile");
    const box = tile?.querySelector("input.check");
    if (!box || event.target === box) return;
    origin = { x: event.clientX, y: event.clientY };
    cancel();
    timer = setTimeout(() => {
      timer = null;
      held = tile;
      if (!box.checked) pick(box, true, false);
      navigator.vibrate?.(15);
    }, HOLD_MS);
  });
  grid.addEventListener("pointermove", (event) => {
    if (timer && origin && Math.hypot(event.clientX - origin.x, event.clientY - origin.y) > 10) cancel();
  });
  for (const name of ["pointerup", "pointercancel"]) grid.addEventListener(name, cancel);
  // The click that ends a hold does not open the photo, nor tick it off again.
  grid.addEventListener("click", (event) => {
    if (held && event.target.closest(".tile") === held) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
    held = null;
  }, true);
  grid.addEventListener("contextmenu", (event) => {
    if (event.target.closest(".tile") && (held || timer || selectedIds().length)) event.preventDefault();
  });
}
