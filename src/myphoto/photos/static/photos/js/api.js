// Calls to MyPhoto's API. Its URLs come from the page (the "api-urls" JSON the
// template writes with Django's url reversing), never from this file.

export const urls = JSON.parse(document.getElementById("api-urls")?.textContent || "{}");

export function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
}

export const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;

// A JSON request; resolves with the answer's JSON, rejects with the server's sentence.
export async function api(method, url, body) {
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
