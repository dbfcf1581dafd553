// MyPhoto's page behaviour: selection, delete with undo, drag-and-drop upload, the viewer.
// Plain JavaScript beside htmx, no build step. Without JavaScript the forms and links
// still work: the buttons post forms, a photo opens its own page.
(function () {
  "use strict";

  const csrfToken = () => JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

  async function api(method, url, body) {
    const response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (!response.ok) {
      let detail = `The server answered ${response.status}.`;
      try { detail = (await response.json()).detail || detail; } catch (_) { /* not JSON */ }
      throw new Error(detail);
    }
    return response.status === 204 ? null : response.json();
  }

  // ---- A toast with an optional Undo --------------------------------------------------
  const toast = document.querySelector(".toast");
  let toastTimer = null;
  function showToast(text, onUndo, ms = 8000) {
    if (!toast) return;
    clearTimeout(toastTimer);
    toast.querySelector(".toast-text").textContent = text;
    const undo = toast.querySelector(".toast-undo");
    undo.hidden = !onUndo;
    undo.onclick = onUndo ? () => { toast.hidden = true; onUndo(); } : null;
    toast.hidden = false;
    toastTimer = setTimeout(() => { toast.hidden = true; }, ms);
  }

  // ---- Count of photos and the empty state ----------------------------------------------
  function adjustCount(delta) {
    const counter = document.getElementById("photo-count");
    if (!counter) return;
    const n = Math.max(0, (parseInt(counter.textContent, 10) || 0) + delta);
    counter.textContent = plural(n, "photo");
    const empty = document.querySelector("[data-empty-state]");
    if (empty) empty.hidden = n > 0;
  }

  // ---- Selection -------------------------------------------------------------------------
  const form = document.getElementById("selection");
  let lastPicked = null;
  const boxes = () => (form ? Array.from(form.querySelectorAll('input.check[name="ids"]')) : []);
  const selectedBoxes = () => boxes().filter((box) => box.checked);

  function refreshSelection() {
    if (!form) return;
    const n = selectedBoxes().length;
    const bar = form.querySelector(".selection-bar");
    if (bar) bar.hidden = n === 0;
    const counter = form.querySelector(".selected-count");
    if (counter) counter.textContent = `${n} selected`;
    form.classList.toggle("selecting", n > 0);
    form.querySelectorAll(".day").forEach((day) => {
      const dayBoxes = Array.from(day.querySelectorAll("input.check"));
      const all = dayBoxes.length > 0 && dayBoxes.every((box) => box.checked);
      day.querySelector(".day-pick")?.setAttribute("aria-pressed", String(all));
    });
  }

  function pick(box, checked, shiftKey) {
    if (shiftKey && lastPicked && lastPicked !== box && document.contains(lastPicked)) {
      const all = boxes();
      const [from, to] = [all.indexOf(lastPicked), all.indexOf(box)].sort((a, b) => a - b);
      all.slice(from, to + 1).forEach((other) => { other.checked = checked; });
    }
    box.checked = checked;
    lastPicked = box;
    refreshSelection();
  }

  function clearSelection() {
    boxes().forEach((box) => { box.checked = false; });
    lastPicked = null;
    refreshSelection();
  }

  if (form) {
    form.addEventListener("click", (event) => {
      const box = event.target.closest("input.check");
      if (box) { pick(box, box.checked, event.shiftKey); return; }
      const dayPick = event.target.closest(".day-pick");
      if (dayPick) {
        const dayBoxes = Array.from(dayPick.closest(".day").querySelectorAll("input.check"));
        const checked = !dayBoxes.every((other) => other.checked);
        dayBoxes.forEach((other) => { other.checked = checked; });
        refreshSelection();
        return;
      }
      const open = event.target.closest("a.open");
      if (!open) return;
      const tileBox = open.closest(".tile").querySelector("input.check");
      // While photos are selected, a click (or shift/ctrl-click) selects instead of opening.
      if (selectedBoxes().length > 0 || event.shiftKey || event.ctrlKey || event.metaKey) {
        event.preventDefault();
        pick(tileBox, !tileBox.checked, event.shiftKey);
      } else if (viewer) {
        event.preventDefault();
        openViewer(open.closest(".tile"));
      }
    });
    form.querySelector("[data-clear]")?.addEventListener("click", clearSelection);
    document.querySelector("[data-select-all]")?.addEventListener("click", () => {
      boxes().forEach((box) => { box.checked = true; });
      refreshSelection();
    });
    form.querySelector("[data-delete]")?.addEventListener("click", (event) => {
      event.preventDefault();
      deletePhotos(selectedBoxes().map((box) => box.value));
    });
  }

  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !(viewer && viewer.open)) clearSelection();
  });

  // ---- Delete to the trash, with Undo ------------------------------------------------------
  async function deletePhotos(ids) {
    if (!ids.length) return;
    try {
      await api("POST", "/api/v1/photos/delete", { ids });
    } catch (error) {
      showToast(`Nothing was deleted: ${error.message}`);
      return;
    }
    clearSelection(); // before the tiles leave the page, so that Undo brings them back unticked
    const removed = [];
    const detach = (node) => { removed.push({ node, parent: node.parentNode, next: node.nextSibling }); node.remove(); };
    ids.forEach((id) => { const tile = document.getElementById(`tile-${id}`); if (tile) detach(tile); });
    document.querySelectorAll("#timeline .day").forEach((day) => { if (!day.querySelector(".tile")) detach(day); });
    adjustCount(-ids.length);
    refreshSelection();
    showToast(`Moved ${plural(ids.length, "photo")} to the trash.`, async () => {
      try {
        await Promise.all(ids.map((id) => api("POST", `/api/v1/photos/${id}/restore`)));
      } catch (error) {
        showToast(`Could not undo: ${error.message} The photos are in the trash.`);
        return;
      }
      removed.reverse().forEach(({ node, parent, next }) => parent.insertBefore(node, next));
      adjustCount(ids.length);
      refreshSelection();
      showToast(`Restored ${plural(ids.length, "photo")}.`);
    });
  }

  // ---- Infinite scroll: a page may begin with the day the previous one ended with --------
  function mergeDays() {
    let previous = null;
    document.querySelectorAll("#timeline .day").forEach((day) => {
      if (previous && previous.dataset.day === day.dataset.day) {
        previous.querySelector(".grid").append(...day.querySelectorAll(".tile"));
        day.remove();
      } else {
        previous = day;
      }
    });
  }
  document.body.addEventListener("htmx:afterSettle", () => {
    mergeDays();
    refreshSelection();
    const timeline = document.getElementById("timeline");
    const empty = document.querySelector("[data-empty-state]");
    if (timeline && empty) empty.hidden = !!timeline.querySelector(".tile");
  });

  // ---- Upload: button, folder, drag and drop; a panel with one progress bar per file -----
  const uploadUrl = document.body.dataset.uploadUrl;
  const panel = document.getElementById("upload-panel");
  const fileInput = document.getElementById("upload-files");
  const folderInput = document.getElementById("upload-folder");
  const overlay = document.querySelector(".drop-overlay");
  const PARALLEL_UPLOADS = 3;
  const uploads = { queue: [], active: 0, total: 0, finished: 0, stored: 0, duplicates: 0, failed: 0 };
  let refreshTimer = null;

  function summarize() {
    const text = uploads.finished < uploads.total
      ? `Uploading ${uploads.finished + 1} of ${uploads.total}`
      : `${plural(uploads.stored, "photo")} uploaded` +
        (uploads.duplicates ? `, ${uploads.duplicates} already there` : "") +
        (uploads.failed ? `, ${uploads.failed} failed` : "");
    panel.querySelector(".upload-summary").textContent = text;
  }

  function settle(item, outcome, text) {
    item.classList.add(outcome);
    item.querySelector(".status").textContent = text;
    uploads.finished += 1;
    uploads[{ done: "stored", duplicate: "duplicates", failed: "failed" }[outcome]] += 1;
    summarize();
  }

  function refreshTimeline() {
    // The new photos appear without a reload: the first page of the timeline is fetched again.
    const timeline = document.getElementById("timeline");
    if (!timeline || !window.htmx) return;
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      window.htmx.ajax("GET", document.body.dataset.timelineUrl, { target: "#timeline", swap: "innerHTML" });
    }, 400);
  }

  function send({ file, item }) {
    uploads.active += 1;
    const status = item.querySelector(".status");
    const bar = item.querySelector("progress");
    const request = new XMLHttpRequest();
    request.open("POST", uploadUrl);
    request.setRequestHeader("X-CSRFToken", csrfToken());
    request.upload.onprogress = (event) => {
      if (!event.lengthComputable) return;
      bar.max = event.total;
      bar.value = event.loaded;
      status.textContent = `${Math.floor((100 * event.loaded) / event.total)}%`;
    };
    request.onload = () => {
      let body = {};
      try { body = JSON.parse(request.responseText); } catch (_) { /* not JSON */ }
      if (request.status === 201 && body.items) {
        if (body.items[0].duplicate) {
          settle(item, "duplicate", "Already in your library");
        } else {
          settle(item, "done", "Uploaded");
          refreshTimeline();
        }
      } else {
        settle(item, "failed", body.detail || `The server answered ${request.status}.`);
      }
    };
    request.onerror = () => settle(item, "failed", "The server could not be reached.");
    request.onloadend = () => { uploads.active -= 1; pump(); };
    const data = new FormData();
    data.append("file", file, file.name);
    status.textContent = "0%";
    request.send(data);
  }

  // Big files on S3 go from the browser straight to the bucket, then the server checks them.
  async function sendDirect({ file, item }) {
    uploads.active += 1;
    const status = item.querySelector(".status");
    const bar = item.querySelector("progress");
    try {
      const ticket = await api("POST", "/api/v1/uploads", { filename: file.name, size: file.size });
      await new Promise((resolve, reject) => {
        const request = new XMLHttpRequest();
        request.open("POST", ticket.url);
        request.upload.onprogress = (event) => {
          if (!event.lengthComputable) return;
          bar.max = event.total;
          bar.value = event.loaded;
          status.textContent = `${Math.floor((100 * event.loaded) / event.total)}%`;
        };
        request.onload = () => (request.status < 300 ? resolve() : reject(new Error(`The storage refused the file (${request.status}).`)));
        request.onerror = () => reject(new Error("The storage could not be reached (does its CORS allow this site?)."));
        const data = new FormData();
        Object.entries(ticket.fields).forEach(([name, value]) => data.append(name, value));
        data.append("file", file, file.name);
        request.send(data);
      });
      status.textContent = "Checking…";
      const done = await api("POST", "/api/v1/uploads/complete", { key: ticket.key, filename: file.name });
      if (done.items[0].duplicate) {
        settle(item, "duplicate", "Already in your library");
      } else {
        settle(item, "done", "Uploaded");
        refreshTimeline();
      }
    } catch (error) {
      settle(item, "failed", error.message);
    } finally {
      uploads.active -= 1;
      pump();
    }
  }

  function pump() {
    const direct = Number(document.body.dataset.directUploadBytes || 0);
    while (uploads.active < PARALLEL_UPLOADS && uploads.queue.length) {
      const next = uploads.queue.shift();
      if (direct && next.file.size > direct) sendDirect(next); else send(next);
    }
  }

  function addFiles(files) {
    const maxBytes = Number(document.body.dataset.maxUploadBytes || 0);
    const list = panel.querySelector(".upload-list");
    for (const file of files) {
      if (file.name.startsWith(".")) continue; // .DS_Store and friends from dropped folders
      const item = document.createElement("li");
      item.className = "upload-item";
      item.innerHTML = '<span class="name"></span><span class="status">Waiting</span><progress max="1" value="0"></progress>';
      item.querySelector(".name").textContent = file.webkitRelativePath || file.name;
      item.querySelector("progress").setAttribute("aria-label", `Upload of ${file.name}`);
      list.append(item);
      uploads.total += 1;
      if (maxBytes && file.size > maxBytes) {
        settle(item, "failed", `Too large (${megabytes(file.size)}); the limit is ${megabytes(maxBytes)}.`);
      } else {
        uploads.queue.push({ file, item });
      }
    }
    panel.hidden = false;
    summarize();
    pump();
  }

  async function droppedFiles(dataTransfer) {
    const entries = Array.from(dataTransfer.items || [])
      .map((item) => (item.webkitGetAsEntry ? item.webkitGetAsEntry() : null))
      .filter(Boolean);
    if (!entries.length) return Array.from(dataTransfer.files);
    const files = [];
    const walk = async (entry) => {
      if (entry.isFile) {
        files.push(await new Promise((resolve, reject) => entry.file(resolve, reject)));
      } else if (entry.isDirectory) {
        const reader = entry.createReader();
        for (;;) {
          const batch = await new Promise((resolve, reject) => reader.readEntries(resolve, reject));
          if (!batch.length) break;
          for (const child of batch) await walk(child);
        }
      }
    };
    for (const entry of entries) await walk(entry);
    return files;
  }

  if (uploadUrl && panel) {
    document.querySelectorAll("[data-upload-trigger]").forEach((trigger) => {
      trigger.addEventListener("click", (event) => { event.preventDefault(); fileInput.click(); });
    });
    panel.querySelector("[data-upload-folder]").addEventListener("click", () => folderInput.click());
    panel.querySelector("[data-upload-close]").addEventListener("click", () => {
      panel.hidden = true;
      if (uploads.finished === uploads.total) {
        panel.querySelector(".upload-list").replaceChildren();
        Object.assign(uploads, { total: 0, finished: 0, stored: 0, duplicates: 0, failed: 0 });
      }
    });
    [fileInput, folderInput].forEach((input) => input.addEventListener("change", () => {
      addFiles(Array.from(input.files));
      input.value = "";
    }));
    const carriesFiles = (event) => Array.from(event.dataTransfer?.types || []).includes("Files");
    document.addEventListener("dragover", (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      overlay.hidden = false;
    });
    document.addEventListener("dragleave", (event) => { if (!event.relatedTarget) overlay.hidden = true; });
    document.addEventListener("drop", async (event) => {
      if (!carriesFiles(event)) return;
      event.preventDefault();
      overlay.hidden = true;
      addFiles(await droppedFiles(event.dataTransfer));
    });
  }

  // ---- Viewer -------------------------------------------------------------------------
  const viewer = document.getElementById("viewer");
  let shown = null;
  const timelineTiles = () => Array.from(document.querySelectorAll("#timeline .tile"));

  function showInViewer(tile) {
    shown = tile;
    const data = tile.dataset;
    const image = viewer.querySelector(".viewer-image");
    image.src = data.preview || tile.querySelector("img")?.src || "";
    image.alt = data.name;
    viewer.querySelector(".viewer-name").textContent = data.name;
    viewer.querySelector(".viewer-taken").textContent =
      data.taken + (data.takenSource === "upload" ? " (upload time)" : "");
    viewer.querySelector(".viewer-camera").textContent = data.camera || "—";
    viewer.querySelector(".viewer-dimensions").textContent = data.dimensions;
    viewer.querySelector(".viewer-size").textContent = data.size;
    const place = viewer.querySelector(".viewer-place");
    place.replaceChildren();
    if (data.lat) {
      const link = document.createElement("a");
      link.href = `https://www.openstreetmap.org/?mlat=${data.lat}&mlon=${data.lon}#map=15/${data.lat}/${data.lon}`;
      link.target = "_blank";
      link.rel = "noopener";
      link.textContent = `${Number(data.lat).toFixed(5)}, ${Number(data.lon).toFixed(5)}`;
      place.append(link);
    } else {
      place.textContent = "—";
    }
    viewer.querySelector(".viewer-download").href = data.download;
    const tiles = timelineTiles();
    const index = tiles.indexOf(tile);
    viewer.querySelector(".viewer-prev").hidden = index <= 0;
    viewer.querySelector(".viewer-next").hidden = index >= tiles.length - 1;
  }

  function step(delta) {
    const tiles = timelineTiles();
    const next = tiles[tiles.indexOf(shown) + delta];
    if (next) showInViewer(next);
  }

  function openViewer(tile) {
    showInViewer(tile);
    viewer.showModal();
  }

  if (viewer) {
    viewer.querySelector(".viewer-prev").addEventListener("click", () => step(-1));
    viewer.querySelector(".viewer-next").addEventListener("click", () => step(1));
    viewer.querySelector(".viewer-close").addEventListener("click", () => viewer.close());
    // On the document: a step can hide the focused arrow button, and focus leaves the dialog.
    document.addEventListener("keydown", (event) => {
      if (!viewer.open) return;
      if (event.key === "ArrowLeft") { event.preventDefault(); step(-1); }
      if (event.key === "ArrowRight") { event.preventDefault(); step(1); }
    });
    viewer.addEventListener("close", () => shown?.querySelector("a.open")?.focus());
    viewer.querySelector(".viewer-delete").addEventListener("click", () => {
      const tiles = timelineTiles();
      const doomed = shown;
      const after = tiles[tiles.indexOf(doomed) + 1] || tiles[tiles.indexOf(doomed) - 1];
      deletePhotos([doomed.dataset.id]);
      if (after) showInViewer(after); else viewer.close();
    });
  }

  refreshSelection();
})();
