// "Copy link" beside a share link's address: the clipboard where the browser allows it,
// else the address selected for the reader to copy.

import { gettext } from "./i18n.js";
import { showToast } from "./toast.js";

export function setUpCopyButtons() {
  document.querySelectorAll("[data-copy]").forEach((button) => {
    const field = document.getElementById(button.dataset.copy);
    if (!field) return;
    button.hidden = false;
    button.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(field.value);
        showToast(button.dataset.copied || gettext("Link copied."));
      } catch {
        field.focus();
        field.select();
        showToast(gettext("Press Ctrl+C (⌘C) to copy the selected link."));
      }
    });
  });
}
