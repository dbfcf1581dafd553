// The grid from the keyboard: one Tab stop for all of it (a roving tabindex), the arrow
// keys move between tiles (up and down to the nearest tile of the row above or below),
// Space ticks, Enter opens, Shift with an arrow extends the ticks, Ctrl/Cmd+A ticks every
// photo on the page.

import { boxes, pick, refreshSelection } from "./selection.js";

const grids = () => document.querySelectorAll("#timeline, ul.grid.justify");
const tilesOf = (grid) => Array.from(grid.querySelectorAll(".tile"));
// What a tile's Tab stop is: its picture's link, or in the trash (no link) its tick.
const stopOf = (tile) => tile.querySelector("a.open") || tile.querySelector("input.check");
const typing = (target) => target.closest?.("input:not(.check), textarea, select, [contenteditable]");

let current = null; // the tile whose stop is the grid's one Tab stop

// Every control of the grid out of the Tab order but the current tile's stop. One query
// finds the controls still in it (a page of tiles just arrived, a tile htmx settled with
// the attributes the server sent): a page arriving costs its own tiles, not the
// thousands above it.
const IN_TAB_ORDER = ':is(a.open, input.check, button.heart, .day-pick):not([tabindex="-1"])';

function rove(grid) {
  if (!current || !grid.contains(current)) current = grid.querySelector(".tile");
  if (!current) return;
  const stop = stopOf(current);
  grid.querySelectorAll(IN_TAB_ORDER).forEach((control) => { if (control !== stop) control.tabIndex = -1; });
  if (stop && stop.tabIndex !== 0) stop.tabIndex = 0;
}

function focusTile(grid, tile) {
  if (!tile) return;
  current = tile;
  rove(grid);
  stopOf(tile).focus();
}

// The tile of the next row down (step 1) or up (-1) whose middle is nearest this one's.
function verticalNeighbour(tiles, from, step) {
  const here = from.getBoundingClientRect();
  const middle = here.left + here.width / 2;
  let rowTop = null;
  let best = null;
  for (let i = tiles.indexOf(from) + step; i >= 0 && i < tiles.length; i += step) {
    const box = tiles[i].getBoundingClientRect();
    const inNextRow = step > 0 ? box.top > here.top + 1 : box.top < here.top - 1;
    if (!inNextRow) continue;
    if (rowTop === null) rowTop = box.top;
    if (Math.abs(box.top - rowTop) > 1) break; // past that row
    const distance = Math.abs(box.left + box.width / 2 - middle);
    if (!best || distance < best.distance) best = { tile: tiles[i], distance };
  }
  return best?.tile;
}

const MOVES = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: -2, ArrowDown: 2 };

function onKey(event, grid) {
  const tile = event.target.closest(".tile");
  if (!tile || event.altKey) return;
  const box = tile.querySelector("input.check");
  if (event.key === " " && box) {
    event.preventDefault(); // not a scroll, and not the tick's own toggle (a second one)
    pick(box, !box.checked, event.shiftKey);
    return;
  }
  if (!(event.key in MOVES)) return;
  event.preventDefault();
  const tiles = tilesOf(grid);
  const move = MOVES[event.key];
  const next = Math.abs(move) === 1 ? tiles[tiles.indexOf(tile) + move] : verticalNeighbour(tiles, tile, Math.sign(move));
  if (!next) return;
  if (event.shiftKey && box) {
    if (!box.checked) pick(box, true, false);
    const nextBox = next.querySelector("input.check");
    if (nextBox) pick(nextBox, true, true);
  }
  focusTile(grid, next);
}

export function setUpGridKeys({ viewerOpen }) {
  grids().forEach((grid) => {
    rove(grid);
    grid.addEventListener("keydown", (event) => onKey(event, grid));
    grid.addEventListener("focusin", (event) => {
      const tile = event.target.closest(".tile");
      if (tile && tile !== current) { current = tile; rove(grid); }
    });
    // Pages arriving, tiles leaving: still one stop, on a tile that is there.
    new MutationObserver(() => rove(grid)).observe(grid, { childList: true, subtree: true });
    document.addEventListener("timeline:changed", () => rove(grid));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key.toLowerCase() !== "a" || !(event.ctrlKey || event.metaKey) || event.shiftKey) return;
    if (typing(event.target) || viewerOpen() || !boxes().length) return;
    event.preventDefault(); // the photos, not the page's text
    boxes().forEach((box) => { box.checked = true; });
    refreshSelection();
  });
}
