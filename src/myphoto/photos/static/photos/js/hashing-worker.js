// A file's SHA-256, computed in the background while its parts upload: given at complete,
// it lets the server refuse bytes that are not this file's (another file of the same name,
// size and date resumed onto its parts). Reads the file a slice at a time.
import { sha256 } from "../vendor/js-sha256/sha256.min.mjs";

const SLICE = 8 * 1024 * 1024;

self.onmessage = async ({ data: { file } }) => {
  try {
    const hash = sha256.create();
    for (let at = 0; at < file.size; at += SLICE) {
      hash.update(new Uint8Array(await file.slice(at, at + SLICE).arrayBuffer()));
    }
    self.postMessage({ sha256: hash.hex() });
  } catch (error) {
    self.postMessage({ error: String(error) });
  }
};
