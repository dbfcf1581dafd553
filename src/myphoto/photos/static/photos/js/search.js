// The search box in the top bar: places and cameras of the library that begin with the
// word being typed, with their counts, offered as the browser's own suggestion list
// (arrow keys, Enter, and a phone's keyboard bar); Enter searches.

const form = document.querySelector("form.search[data-suggestions]");
const input = form?.querySelector("input[type=search]");
const list = form?.querySelector("datalist");

let timer = null;
let asked = 0;

async function suggest() {
  const query = input.value;
  const ask = ++asked;
  try {
    const url = `${form.dataset.suggestions}?${new URLSearchParams({ q: query })}`;
    const response = await fetch(url, { credentials: "same-origin" });
    if (!response.ok || ask !== asked) return;
    const { items } = await response.json();
    list.replaceChildren(
      ...items.map((item) => Object.assign(document.createElement("option"), { value: item.query, label: item.label })),
    );
  } catch {
    // Suggestions are a help, not the search: typing and Enter still work without them.
  }
}

export function setUpSearch() {
  if (!input) return;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 150);
  });
  // "/" goes to the search box from anywhere but a field, as on many sites.
  document.addEventListener("keydown", (event) => {
    if (event.key !== "/" || event.target.closest?.("input, textarea, select, [contenteditable], dialog[open]")) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
}
