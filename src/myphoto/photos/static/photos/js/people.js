// Who is in the photo the viewer shows: asked of the API for the owner's own photos only
// (an album's photo of someone else shows nobody), each person a link to their page.

import { api } from "./api.js";
import { gettext } from "./i18n.js";

export function setUpViewerPeople() {
  const viewer = document.getElementById("viewer");
  const list = viewer?.querySelector(".viewer-people");
  if (!list) return;
  const label = viewer.querySelector(".viewer-people-label");
  let asked = 0;
  const show = (people) => {
    list.replaceChildren(...people.map((person) => Object.assign(document.createElement("a"), {
      href: `${list.dataset.people}${person.id}/`,
      textContent: person.name || gettext("Someone"),
    })));
    list.hidden = label.hidden = !people.length;
  };
  viewer.addEventListener("viewer:shown", async (event) => {
    const { tile } = event.detail;
    const ask = ++asked;
    show([]);
    if (!tile.dataset.api) return;
    try {
      const photo = await api("GET", tile.dataset.api);
      if (ask === asked) show(photo.people || []);
    } catch {
      // Who is in it is a help: the photo is shown without it.
    }
  });
}
