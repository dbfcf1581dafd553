// Upload: the button, a folder, drag and drop; a panel with one progress bar per file.
// Small files go to the app; with S3, big ones go straight to the bucket and are then
// checked by the app. Both travel through one send routine.

import { api, csrfToken, plural, urls } from "./api.js";
import { refreshTimeline } from "./timeline.js";

const PARALLEL_UPLOADS = 3;
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const panel = document.getElementById("upload-panel");
const uploads = { queue: [], active: 0, total: 0, finished: 0, stored: 0, duplicates: 0, failed: 0 };

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
    throw new Error("The server could not be reached.");
  }
  if (answer.status !== 201) throw new Error(detailOf(answer) || `The server answered ${answer.status}.`);
  return JSON.parse(answer.text);
}

// Straight to the bucket by a presigned POST, then the app checks the file.
async function sendToBucket(file, item) {
  const ticket = await api("POST", urls.directUploadStart, { filename: file.name, size: file.size });
  let answer;
  try {
    answer = await send(ticket.url, ticket.fields, file, item);
  } catch (_) {
    throw new Error("The storage could not be reached (does its CORS allow this site?).");
  }
  if (answer.status >= 300) throw new Error(`The storage refused the file (${answer.status}).`);
  item.querySelector(".status").textContent = "Checking…";
  return api("POST", urls.directUploadComplete, { key: ticket.key, filename: file.name });
}

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

async function upload({ file, item }) {
  uploads.active += 1;
  const direct = Number(document.body.dataset.directUploadBytes || 0);
  try {
    const done = await (direct && file.size > direct ? sendToBucket : sendToApp)(file, item);
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
  while (uploads.active < PARALLEL_UPLOADS && uploads.queue.length) upload(uploads.queue.shift());
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
