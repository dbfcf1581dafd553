// Upload: the button, a folder, drag and drop; a panel with one progress bar per file.
// Small files go to the app in one request; big ones in parts that resume (below).

import { api, csrfToken, urls } from "./api.js";
import { counted, gettext } from "./i18n.js";
import { sha256Of } from "./hashing.js";
import { refreshTimeline } from "./timeline.js";

const PARALLEL_UPLOADS = 3;
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const panel = document.getElementById("upload-panel");
const uploads = { queue: [], active: 0, total: 0, finished: 0, stored: 0, videos: 0, duplicates: 0, failed: 0 };

// POST a form with the file, showing its progress; resolves with the status and the answer's text.
function send(url, fields, file, item, headers = {}) {
  const status = item.querySelector(".status");
  const bar = item.querySelector("progress");
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("POST", url);
    Object.entries(headers).forEach(([name, value]) => request.setRequestHeader(name, value));
    request.upload.onprogress = (event) => {
      if (!event.lengthComputable) return;
      bar.max = event.total;
      bar.value = event.loaded;
      status.textContent = `${Math.floor((100 * event.loaded) / event.total)}%`;
    };
    request.onload = () => resolve({ status: request.status, text: request.responseText });
    request.onerror = () => reject(new Error("unreachable"));
    const data = new FormData();
    Object.entries(fields).forEach(([name, value]) => data.append(name, value));
    data.append("file", file, file.name);
    status.textContent = "0%";
    request.send(data);
  });
}

const detailOf = (answer) => {
  try { return JSON.parse(answer.text).detail; } catch (_) { return ""; }
};

// Through the app: one request, answered like POST /photos.
async function sendToApp(file, item) {
  let answer;
  try {
    answer = await send(urls.upload, {}, file, item, { "X-CSRFToken": csrfToken() });
  } catch (_) {
    throw new Error(gettext("The server could not be reached."));
  }
  if (answer.status !== 201) throw new Error(detailOf(answer) || gettext("The server answered %(status)s.", { status: answer.status }));
  return JSON.parse(answer.text);
}

// Big files: in parts (straight to the bucket on S3, to the app on disk), a few at once.
// A part that fails is sent again, after the network comes back if it went away; the
// upload's id is kept by file (name, size, date), so that after a reload the same file
// dropped again sends only the parts the server does not have. The file's SHA-256, hashed
// beside the parts, goes with complete: another file of the same name, size and date is
// refused there (its parts are not its own), and then sent again whole.
const PARALLEL_PARTS = 3;
const URLS_AT_ONCE = 16;
const RESUMABLE = "myphoto.multipart-uploads";

const fingerprint = (file) => `${file.name}\u0000${file.size}\u0000${file.lastModified}`;

function resumable() {
  try { return JSON.parse(localStorage.getItem(RESUMABLE) || "{}"); } catch (_) { return {}; }
}

function remember(file, id) {
  const all = resumable();
  if (id) all[fingerprint(file)] = id; else delete all[fingerprint(file)];
  try { localStorage.setItem(RESUMABLE, JSON.stringify(all)); } catch (_) { /* private mode: no resume */ }
}

const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

// Until the browser says it is online again (at once if it is).
const online = () => (navigator.onLine ? Promise.resolve() : new Promise((resolve) => {
  window.addEventListener("online", resolve, { once: true });
}));

// Run `attempt` until it works: while offline it waits for the network, else it backs
// off (1 s, 2 s, 4 s ... 30 s) and gives up after a few tries, with the last error. What
// the server refuses (a 4xx: missing parts, a bad file) is final at once.
async function persistently(attempt, status) {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      if (error.status >= 400 && error.status < 500) throw error;
      if (!navigator.onLine) {
        status.textContent = gettext("Waiting for the network…");
        await online();
        tries = 0;
      } else if (tries >= 6) {
        throw error;
      } else {
        status.textContent = gettext("Retrying…");
        await pause(Math.min(30_000, 1000 * 2 ** (tries - 1)));
      }
    }
  }
}

// Parts on their way. When the browser goes offline they are dropped at once (they would
// hang) and sent again when it is back; one that moves nothing for a while is dropped too.
const inFlight = new Set();
const STALLED_MS = 45_000;
window.addEventListener("offline", () => inFlight.forEach((request) => request.abort()));

// PUT one part, telling how many of its bytes have gone so far.
function putPart(url, blob, onProgress) {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    let moved = Date.now();
    const watchdog = setInterval(() => {
      if (Date.now() - moved > STALLED_MS) request.abort();
    }, 5000);
    const end = (outcome) => {
      clearInterval(watchdog);
      inFlight.delete(request);
      outcome();
    };
    request.open("PUT", url);
    request.upload.onprogress = (event) => {
      moved = Date.now();
      onProgress(event.loaded);
    };
    request.onload = () => end(() => (request.status < 300 ? resolve()
      : reject(new Error(gettext("The storage answered %(status)s to a part.", { status: request.status })))));
    request.onerror = () => end(() => reject(new Error(gettext("A part could not be sent."))));
    request.onabort = () => end(() => reject(new Error(gettext("A part was cut off."))));
    inFlight.add(request);
    request.send(blob);
  });
}

async function begin(file, status, fresh) {
  const known = fresh ? null : resumable()[fingerprint(file)];
  if (known) {
    try {
      const upload = await persistently(() => api("GET", `${urls.multipart}/${known}`), status);
      return { upload, received: upload.received };
    } catch (error) {
      if (error.status !== 404) throw error;
      remember(file, null); // finished, aborted or expired: begin again
    }
  }
  const body = { filename: file.name, size: file.size };
  const upload = await persistently(() => api("POST", urls.multipart, body), status);
  remember(file, upload.id);
  return { upload, received: [] };
}

async function sendInParts(file, item, fresh = false) {
  const status = item.querySelector(".status");
  const bar = item.querySelector("progress");
  const hashing = sha256Of(file);
  const { upload, received } = await begin(file, status, fresh);
  const { id, part_size: partSize, part_count: count } = upload;
  const base = `${urls.multipart}/${id}`;
  const lengthOf = (n) => Math.min(partSize, file.size - (n - 1) * partSize);
  let sent = received.reduce((total, n) => total + lengthOf(n), 0);
  const moving = new Map(); // part number -> bytes of it on their way
  const show = () => {
    const bytes = sent + [...moving.values()].reduce((a, b) => a + b, 0);
    bar.max = file.size;
    bar.value = bytes;
    status.textContent = `${Math.floor((100 * bytes) / file.size)}%`;
  };
  show();

  const addresses = new Map();
  const urlOf = async (number, queue) => {
    if (!addresses.has(number)) {
      const numbers = [number, ...queue.slice(0, URLS_AT_ONCE - 1)];
      const answer = await api("POST", `${base}/parts`, { numbers });
      answer.parts.forEach((part) => addresses.set(part.number, part.url));
    }
    return addresses.get(number);
  };
  const sendPart = async (number, queue) => {
    const blob = file.slice((number - 1) * partSize, (number - 1) * partSize + lengthOf(number));
    await persistently(async () => {
      moving.set(number, 0);
      try {
        const url = await urlOf(number, queue);
        await putPart(url, blob, (bytes) => { moving.set(number, bytes); show(); });
      } catch (error) {
        addresses.delete(number); // it may have expired: a new one next time
        moving.delete(number);
        show();
        throw error;
      }
    }, status);
    moving.delete(number);
    sent += lengthOf(number);
    show();
  };
  const sendAll = async (numbers) => {
    const queue = [...numbers];
    const worker = async () => {
      while (queue.length) await sendPart(queue.shift(), queue);
    };
    await Promise.all(Array.from({ length: Math.min(PARALLEL_PARTS, queue.length) }, worker));
  };

  const have = new Set(received);
  await sendAll(Array.from({ length: count }, (_, i) => i + 1).filter((n) => !have.has(n)));
  for (;;) {
    status.textContent = gettext("Checking…");
    const sha256 = await hashing;
    try {
      const body = sha256 ? { sha256 } : {};
      const done = await persistently(() => api("POST", `${base}/complete`, body), status);
      remember(file, null);
      return done;
    } catch (error) {
      if (error.answer?.code === "checksum_mismatch" && !fresh) {
        // The parts resumed were another file's: this one goes again, whole.
        remember(file, null);
        await api("DELETE", base).catch(() => {});
        return sendInParts(file, item, true);
      }
      if (error.answer?.code !== "parts_missing") {
        if (error.status && error.status !== 409) remember(file, null); // refused: nothing kept
        throw error;
      }
      sent -= error.answer.missing.reduce((total, n) => total + lengthOf(n), 0);
      await sendAll(error.answer.missing);
    }
  }
}

// "3 photos and 1 video": videos are not called photos.
function storedText() {
  const photos = uploads.stored - uploads.videos;
  const parts = [];
  if (photos || !uploads.videos) parts.push(counted(photos, "photo"));
  if (uploads.videos) parts.push(counted(uploads.videos, "video"));
  return parts.length === 2 ? gettext("%(photos)s and %(videos)s", { photos: parts[0], videos: parts[1] }) : parts[0];
}

function summarize() {
  const text = uploads.finished < uploads.total
    ? gettext("Uploading %(n)s of %(total)s", { n: uploads.finished + 1, total: uploads.total })
    : gettext("%(stored)s uploaded", { stored: storedText() }) +
      (uploads.duplicates ? gettext(", %(n)s already there", { n: uploads.duplicates }) : "") +
      (uploads.failed ? gettext(", %(n)s failed", { n: uploads.failed }) : "");
  panel.querySelector(".upload-summary").textContent = text;
}

function settle(item, outcome, text) {
  item.classList.add(outcome);
  item.querySelector(".status").textContent = text;
  uploads.finished += 1;
  uploads[{ done: "stored", duplicate: "duplicates", failed: "failed" }[outcome]] += 1;
  summarize();
}

async function upload({ file, item }) {
  uploads.active += 1;
  const inParts = Number(document.body.dataset.multipartUploadBytes || 0);
  try {
    const done = await (inParts && file.size > inParts ? sendInParts : sendToApp)(file, item);
    if (done.items[0].duplicate) {
      settle(item, "duplicate", gettext("Already in your library"));
    } else {
      if (done.items[0].kind === "video") uploads.videos += 1;
      settle(item, "done", gettext("Uploaded"));
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
  while (uploads.active < PARALLEL_UPLOADS && uploads.queue.length) upload(uploads.queue.shift());
}

export function addFiles(files) {
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
      settle(item, "failed", gettext("Too large (%(size)s); the limit is %(limit)s.", { size: megabytes(file.size), limit: megabytes(maxBytes) }));
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

export function setUpUploads() {
  if (!urls.upload || !panel) return;
  const fileInput = document.getElementById("upload-files");
  const folderInput = document.getElementById("upload-folder");
  const overlay = document.querySelector(".drop-overlay");
  document.querySelectorAll("[data-upload-trigger]").forEach((trigger) => {
    trigger.addEventListener("click", (event) => { event.preventDefault(); fileInput.click(); });
  });
  panel.querySelector("[data-upload-folder]").addEventListener("click", () => folderInput.click());
  panel.querySelector("[data-upload-close]").addEventListener("click", () => {
    panel.hidden = true;
    if (uploads.finished === uploads.total) {
      panel.querySelector(".upload-list").replaceChildren();
      Object.assign(uploads, { total: 0, finished: 0, stored: 0, videos: 0, duplicates: 0, failed: 0 });
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
