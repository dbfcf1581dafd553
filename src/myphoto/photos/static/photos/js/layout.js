// Justified rows (DESIGN.md "timeline layout"): every tile keeps its aspect ratio, every
// row but the last fills the width, and a day with few photos shares its row with the
// days after it, its date above its own tiles. Sizes come from the stored width and
// height (the tile's --ar), so nothing moves while thumbnails load. Without JavaScript
// the stylesheet's wrapping grid stands (nojs.css shows it).
//
// The DOM keeps its order (a day's heading, then its tiles), so reading and tabbing
// order is the timeline's. A day's box is its first row: heading and the tiles of
// that row; tiles of its later rows are placed from it (negative offsets are fine).

const GROUPED = "#timeline";
const FLAT = "ul.grid.justify";
// The narrowest start a day may take in a row others began: room for its date.
const MIN_SEGMENT = 150;
// A row closed early (the next day would not fit) grows to fill at most by this much.
const MAX_STRETCH = 1.5;
// Aspect ratios beyond these are cropped in their tile: a panorama is not a sliver row.
const NARROWEST = 1 / 3;
const WIDEST = 3;

// Parsed once per value: while htmx settles a swapped-in tile it wears the old tile's
// attributes for a moment (its data-ar too), so the value read is compared each time.
// A data attribute, not a custom property in the tile's style: Chrome restyles an
// element whose inline style holds a custom property in full when its place changes
// (500 tiles: 7.6 ms of style, 1.4 without it).
const aspects = new WeakMap();
const watchers = new WeakMap(); // container -> the MutationObserver that lays it out

function aspectOf(tile) {
  const raw = tile.dataset.ar;
  const known = aspects.get(tile);
  if (known?.raw === raw) return known.ar;
  const ar = Math.min(Math.max(parseFloat(raw) || 1, NARROWEST), WIDEST);
  aspects.set(tile, { raw, ar });
  return ar;
}

// Only what differs is written: appending a page leaves the tiles above it alone. The
// element's own style is compared, not a memory of it: htmx puts a swapped-in element's
// attributes back as the server sent them once it settles.
function place(element, left, top, width, height) {
  const style = element.style;
  const [x, y, w] = [`${left}px`, `${top}px`, `${width}px`];
  if (style.left !== x) style.left = x;
  if (style.top !== y) style.top = y;
  if (style.width !== w) style.width = w;
  if (height !== null && style.height !== `${height}px`) style.height = `${height}px`;
}

function cssPixels(element, name, fallback) {
  const value = parseFloat(getComputedStyle(element).getPropertyValue(name));
  return Number.isFinite(value) ? value : fallback;
}

// Rows of {group, tile, ar, starts} for groups of tiles: the arithmetic, no DOM.
export function justify(groups, { width, rowHeight, gap, dayGap }) {
  const rows = [];
  let row = { items: [], sum: 0, gaps: 0 };
  const widthAt = (height) => row.sum * height + row.gaps;
  const close = (height) => {
    if (row.items.length) rows.push({ ...row, height });
    row = { items: [], sum: 0, gaps: 0 };
  };
  groups.forEach((group, g) => {
    group.tiles.forEach((tile, t) => {
      const ar = aspectOf(tile);
      const starts = t === 0;
      if (starts && row.items.length) {
        // Too little room left for a day to begin: the row closes, a little taller, if
        // that fills it; else the day begins there anyway and its date takes the room
        // up to the next date.
        const room = width - widthAt(rowHeight) - dayGap;
        const filled = (width - row.gaps) / row.sum;
        if (room < Math.max(MIN_SEGMENT, ar * rowHeight * 0.5) && filled <= rowHeight * MAX_STRETCH) {
          close(filled);
        }
      }
      if (row.items.length) row.gaps += starts ? dayGap : gap;
      row.items.push({ group: g, tile, ar, starts });
      row.sum += ar;
      if (widthAt(rowHeight) >= width) close((width - row.gaps) / row.sum);
    });
  });
  close(rowHeight); // the last row keeps the target height, ragged
  return rows;
}

function groupsOf(container) {
  if (container.matches(FLAT)) return [{ box: null, head: null, tiles: Array.from(container.children) }];
  return Array.from(container.querySelectorAll(":scope > .day")).map((day) => ({
    box: day,
    head: day.querySelector(".day-head"),
    tiles: Array.from(day.querySelectorAll(".tile")),
  }));
}

export function layOut(container) {
  const width = container.clientWidth;
  if (!width) return;
  const gap = cssPixels(container, "--gap", 4);
  const options = {
    width,
    rowHeight: cssPixels(container, "--row", 190),
    gap,
    dayGap: cssPixels(container, "--day-gap", 16),
  };
  const headHeight = cssPixels(container, "--day-head", 36);
  const dayMargin = cssPixels(container, "--day-margin", 14);
  const groups = groupsOf(container);
  const newer = container.querySelector(":scope > .more.newer");
  const older = container.querySelector(":scope > .more:not(.newer)");
  // Read before any write: read after them, it made the browser lay the whole page out
  // in the middle of this script (13 of its 15 ms for 500 tiles).
  const olderHeight = older ? older.offsetHeight : 0;
  let y = newer ? newer.offsetHeight : 0;
  const rows = justify(groups, options);
  const boxes = new Map(); // group index -> the day's box on the page

  rows.forEach((row, r) => {
    const startsDay = row.items.some((item) => item.starts && groups[item.group].box);
    if (startsDay && r > 0) y += dayMargin;
    const rowTop = y;
    const tilesTop = startsDay ? y + headHeight : y;
    const height = Math.round(row.height);
    let x = 0;
    const heads = [];
    row.items.forEach((item, i) => {
      if (i > 0) x += item.starts ? options.dayGap : gap;
      const left = Math.round(x);
      x += item.ar * row.height;
      const tileWidth = Math.round(x) - left;
      const group = groups[item.group];
      if (item.starts && group.box) {
        boxes.set(item.group, { left, top: rowTop, right: left + tileWidth, height: headHeight + height });
      } else if (group.box && boxes.get(item.group).top === rowTop) {
        boxes.get(item.group).right = left + tileWidth;
      }
      if (item.starts && group.box) heads.push({ head: group.head, left });
      const origin = group.box ? boxes.get(item.group) : { left: 0, top: 0 };
      place(item.tile, left - origin.left, tilesTop - origin.top, tileWidth, height);
    });
    // A date may be wider than its day's tiles in this row: it has the room up to the next.
    heads.forEach(({ head, left }, i) => {
      const end = i + 1 < heads.length ? heads[i + 1].left - options.dayGap : width;
      place(head, 0, 0, end - left, null);
    });
    y = tilesTop + height + gap;
  });
  groups.forEach((group, g) => {
    const box = boxes.get(g);
    if (box) place(group.box, box.left, box.top, box.right - box.left, box.height);
  });
  if (older) older.style.top = `${y}px`;
  container.style.height = `${y + olderHeight}px`;
  container.classList.add("justified");
  // The tiles that came or went before this call are placed: their records would only
  // lay the same tiles out again (a page's arrival called it, and then its mutations).
  watchers.get(container)?.takeRecords();
}

const pending = new Set();
function schedule(container) {
  if (!pending.size) requestAnimationFrame(() => { pending.forEach(layOut); pending.clear(); });
  pending.add(container);
}

// Lay out every justified grid of the page now (before a scroll correction reads the
// tiles' places), and again whenever their width or content changes.
export function layOutAll() {
  document.querySelectorAll(`${GROUPED}, ${FLAT}`).forEach(layOut);
}

export function setUpLayout() {
  const containers = document.querySelectorAll(`${GROUPED}, ${FLAT}`);
  const widths = new WeakMap();
  const resized = new ResizeObserver((entries) => {
    entries.forEach(({ target }) => {
      if (widths.get(target) === target.clientWidth) return; // our own height change
      widths.set(target, target.clientWidth);
      schedule(target);
    });
  });
  containers.forEach((container) => {
    layOut(container);
    widths.set(container, container.clientWidth);
    resized.observe(container);
    // Tiles come and go (pages, a thumbnail made, a delete and its undo): laid out at
    // once, in the task that brought them, so no moment finds a tile out of its place.
    const watcher = new MutationObserver(() => layOut(container));
    watcher.observe(container, { childList: true, subtree: true });
    watchers.set(container, watcher);
  });
}
