// Calls to MyPhoto's API. Its URLs come from the page (the "api-urls" JSON the
// template writes with Django's url reversing), never from this file.

import { gettext } from "./i18n.js";

export const urls = JSON.parse(document.getElementById("api-urls")?.textContent || "{}");

export function csrfToken() {
  return JSON.parse(document.body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || "";
}


// A JSON request; resolves with the answer's JSON, rejects with the server's sentence
// (the error carries the `status` and the JSON `answer`, for callers that look closer).
export async function api(method, url, body) {
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: { "X-CSRFToken": csrfToken(), "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (_) {
    throw new Error(gettext("The server could not be reached."));
  }
  if (!response.ok) {
    const answer = await response.json().catch(() => ({}));
    const error = new Error(answer.detail || gettext("The server answered %(status)s.", { status: response.status }));
    throw Object.assign(error, { status: response.status, answer });
  }
  return response.status === 204 ? null : response.json();
}
