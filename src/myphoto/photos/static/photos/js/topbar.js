// A phone's top bar is one line: the search field opens from its icon, the pages from the
// menu button. On a wider screen both toggles are hidden and everything shows.

export function setUpTopBar() {
  const bar = document.querySelector(".topbar");
  const menuButton = bar?.querySelector(".menu-toggle");
  const searchButton = bar?.querySelector(".search-toggle");
  if (!menuButton || !searchButton) return;
  bar.classList.add("compact-ready");

  // While the menu is open the page under it rests (inert): a tap outside only closes it.
  const setMenu = (open) => {
    bar.classList.toggle("menu-open", open);
    menuButton.setAttribute("aria-expanded", String(open));
    document.querySelectorAll("main, .scrubber").forEach((part) => { part.inert = open; });
  };
  const setSearch = (open, { focus = true } = {}) => {
    bar.classList.toggle("searching", open);
    searchButton.setAttribute("aria-expanded", String(open));
    if (open && focus) bar.querySelector(".search input")?.focus();
  };
  menuButton.addEventListener("click", () => {
    setSearch(false);
    setMenu(!bar.classList.contains("menu-open"));
  });
  searchButton.addEventListener("click", () => {
    setMenu(false);
    setSearch(!bar.classList.contains("searching"));
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape") return;
    if (bar.classList.contains("menu-open")) { setMenu(false); menuButton.focus(); }
    if (bar.classList.contains("searching") && bar.contains(document.activeElement)) {
      setSearch(false);
      searchButton.focus();
    }
  });
  document.addEventListener("click", (event) => {
    if (bar.classList.contains("menu-open") && !bar.contains(event.target)) setMenu(false);
  });
  // A search with words keeps its field open on the results page.
  if (bar.querySelector(".search input")?.value) setSearch(true, { focus: false });
}
