// Live Photos in the grid: the still moves while the mouse is on it, then stills again.

function motionOf(event) {
  if (event.pointerType !== "mouse") return null;
  const link = event.target.closest?.(".tile[data-motion] .open");
  return link && !link.contains(event.relatedTarget) ? link : null;
}

export function setUpLivePhotos() {
  document.addEventListener("pointerover", (event) => {
    const link = motionOf(event);
    if (!link || link.querySelector(".tile-motion")) return;
    const video = document.createElement("video");
    Object.assign(video, { muted: true, playsInline: true, autoplay: true, loop: true });
    video.className = "tile-motion";
    video.setAttribute("aria-hidden", "true");
    video.src = link.closest(".tile").dataset.motion;
    link.append(video);
  });
  document.addEventListener("pointerout", (event) => {
    const link = motionOf(event);
    const video = link?.querySelector(".tile-motion");
    if (!video) return;
    video.pause();
    video.remove();
  });
}
