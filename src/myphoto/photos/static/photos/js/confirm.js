// Forms that ask first (emptying the trash, deleting an album): a dialog of the page, not
// the browser's confirm(), with the action named on its button. Without JavaScript the
// server asks on a page of its own.

const dialog = document.getElementById("confirm");

export function setUpConfirm() {
  if (!dialog) return;
  let asking = null; // the form whose question is open
  document.querySelectorAll("form[data-confirm]").forEach((form) => {
    form.addEventListener("submit", (event) => {
      if (form.querySelector('input[name="confirmed"]')) return; // answered: on its way
      event.preventDefault();
      asking = form;
      dialog.querySelector(".confirm-text").textContent = form.dataset.confirm;
      dialog.querySelector("[data-confirm-yes]").textContent =
        form.dataset.confirmButton || form.querySelector('[type="submit"]')?.textContent || "OK";
      dialog.returnValue = "";
      dialog.showModal();
    });
  });
  dialog.addEventListener("close", () => {
    const form = asking;
    asking = null;
    if (!form || dialog.returnValue !== "yes") return;
    const confirmed = document.createElement("input");
    Object.assign(confirmed, { type: "hidden", name: "confirmed", value: "yes" });
    form.append(confirmed);
    form.requestSubmit();
  });
}
