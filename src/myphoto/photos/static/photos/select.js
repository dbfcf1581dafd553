// Selection on the timeline: count, shift-click ranges, select all, Esc clears.
(function () {
  const form = document.getElementById("selection");
  if (!form) return;
  const boxes = () => Array.from(form.querySelectorAll('input[name="ids"]'));
  const counter = form.querySelector(".selected-count");
  let last = null;
  const update = () => {
    const n = boxes().filter((b) => b.checked).length;
    if (counter) counter.textContent = n + " selected";
  };
  form.addEventListener("click", (event) => {
    const box = event.target.closest('input[name="ids"]');
    if (!box) return;
    const all = boxes();
    if (event.shiftKey && last !== null) {
      const [a, b] = [all.indexOf(last), all.indexOf(box)].sort((x, y) => x - y);
      all.slice(a, b + 1).forEach((other) => { other.checked = box.checked; });
    }
    last = box;
    update();
  });
  form.querySelector("[data-select-all]")?.addEventListener("click", () => { boxes().forEach((b) => { b.checked = true; }); update(); });
  form.querySelector("[data-clear]")?.addEventListener("click", () => { boxes().forEach((b) => { b.checked = false; }); update(); });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape") { boxes().forEach((b) => { b.checked = false; }); update(); }
  });
  update();
})();
