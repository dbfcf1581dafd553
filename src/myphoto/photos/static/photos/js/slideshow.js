// A slideshow from the viewer: the photos one after another, full screen where the browser
// allows, each for a few seconds (a video for its length); any key, a click on the
// button again, or closing the viewer stops it.

const SECONDS = 4;

export function setUpSlideshow(viewer, { step }) {
  const button = viewer.querySelector(".viewer-slideshow");
  if (!button) return;
  const video = viewer.querySelector(".viewer-video");
  let timer = null;

  const playing = () => button.getAttribute("aria-pressed") === "true";
  const next = () => {
    clearTimeout(timer);
    if (!playing()) return;
    // A video plays to its end before the next photo.
    if (!video.hidden && !video.ended) {
      video.play().catch(() => {});
      video.addEventListener("ended", next, { once: true });
      return;
    }
    const seconds = Number(viewer.dataset.slideSeconds) || SECONDS; // a page may set its pace
    timer = setTimeout(() => { if (step(1)) next(); else stop(); }, seconds * 1000);
  };
  const stop = () => {
    clearTimeout(timer);
    button.setAttribute("aria-pressed", "false");
    if (document.fullscreenElement === viewer) document.exitFullscreen().catch(() => {});
  };
  button.addEventListener("click", () => {
    if (playing()) { stop(); return; }
    button.setAttribute("aria-pressed", "true");
    viewer.requestFullscreen?.().catch(() => {});
    next();
  });
  viewer.addEventListener("close", stop);
  viewer.addEventListener("keydown", (event) => {
    if (playing() && event.target !== button && event.key !== "Escape") stop();
  });
  document.addEventListener("fullscreenchange", () => {
    if (!document.fullscreenElement && playing()) stop();
  });
}
