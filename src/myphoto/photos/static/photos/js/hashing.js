// A file's SHA-256 from a worker (the page stays responsive while gigabytes are read).

const WORKER = new URL("./hashing-worker.js", import.meta.url);

// Resolves with the hex digest, or with "" where it cannot be computed (the server then
// checks what it can: the parts, and the file itself).
export function sha256Of(file) {
  return new Promise((resolve) => {
    let worker;
    try {
      worker = new Worker(WORKER, { type: "module" });
    } catch (_) {
      resolve("");
      return;
    }
    worker.onmessage = ({ data }) => {
      worker.terminate();
      resolve(data.sha256 || "");
    };
    worker.onerror = () => {
      worker.terminate();
      resolve("");
    };
    worker.postMessage({ file });
  });
}
