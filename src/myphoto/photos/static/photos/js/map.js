// The maps: Leaflet (vendored, a classic script before this module) over the tiles of
// MYPHOTO_MAP_TILES_URL, and under them the countries' outline drawn from the app's own
// world atlas, which is all there is to see when the tiles cannot be reached. The server
// clusters the photos for each view (GET /map/clusters): a circle shows one of its photos
// and its count; pressing it comes closer, or opens its photos as a timeline.

import { counted, gettext, number } from "./i18n.js";

const CLUSTER_PIXELS = 56;
const CLOSEST = 18;

export function setUpMaps() {
  setUpViewerMap();
  if (!window.L) return;
  for (const host of document.querySelectorAll("[data-map]")) {
    // A page's own map is folded: drawn once opened (a hidden map has no size to draw at).
    const folded = host.closest("details");
    if (folded && !folded.open) {
      folded.addEventListener("toggle", () => drawMap(host), { once: true });
    } else {
      drawMap(host);
    }
  }
}

// Leaflet for a page that does not load it (the viewer's map): once, when first needed.
let leaflet = null;
function loadLeaflet(host) {
  if (window.L) return Promise.resolve();
  if (leaflet) return leaflet;
  const style = Object.assign(document.createElement("link"), { rel: "stylesheet", href: host.dataset.leafletCss });
  const scripts = [host.dataset.leaflet, host.dataset.topojson].map((src) => {
    const script = Object.assign(document.createElement("script"), { src, async: false });
    return [script, new Promise((resolve, reject) => {
      script.addEventListener("load", resolve);
      script.addEventListener("error", reject);
    })];
  });
  document.head.append(style, ...scripts.map(([script]) => script));
  leaflet = Promise.all(scripts.map(([, done]) => done));
  return leaflet;
}

// The viewer's small map of the photo it shows, when the photo has a place.
function setUpViewerMap() {
  const viewer = document.getElementById("viewer");
  const host = viewer?.querySelector("[data-viewer-map]");
  if (!host) return;
  let map = null;
  let pin = null;
  viewer.addEventListener("viewer:shown", async (event) => {
    const { lat, lon } = event.detail.tile.dataset;
    host.hidden = !lat;
    if (!lat) return;
    const where = [Number(lat), Number(lon)];
    try {
      await loadLeaflet(host);
    } catch {
      host.hidden = true;
      return;
    }
    if (!map) {
      map = L.map(host, { zoomControl: false, attributionControl: false, dragging: false, scrollWheelZoom: false, keyboard: false })
        .setView(where, 12);
      drawOutline(map, host.dataset.atlas);
      if (host.dataset.tiles) L.tileLayer(host.dataset.tiles, { maxZoom: 19 }).addTo(map);
      L.control.attribution({ prefix: false }).addAttribution(host.dataset.attribution || "").addTo(map);
      pin = L.circleMarker(where, { radius: 7, className: "map-spot" }).addTo(map);
    }
    map.invalidateSize();
    map.setView(where, 12);
    pin.setLatLng(where);
  });
}

function drawMap(host) {
  const map = L.map(host, {
    worldCopyJump: true, minZoom: 1, maxZoom: CLOSEST, zoomControl: false, attributionControl: false,
  }).setView([20, 0], 2);
  // Leaflet's own credit without its English tooltip (the pages speak the reader's language).
  L.control.attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' }).addTo(map);
  L.control.zoom({ zoomInTitle: gettext("Zoom in"), zoomOutTitle: gettext("Zoom out") }).addTo(map);
  drawOutline(map, host.dataset.atlas);
  if (host.dataset.tiles) {
    L.tileLayer(host.dataset.tiles, { attribution: host.dataset.attribution, maxZoom: 19 }).addTo(map);
  }
  const clusters = L.layerGroup().addTo(map);
  const status = host.parentElement.querySelector("[data-map-status]");
  let asked = 0;

  async function ask(bbox, zoom) {
    const query = `bbox=${bbox}&zoom=${zoom}${host.dataset.query ? `&${host.dataset.query}` : ""}`;
    const answer = await fetch(`${host.dataset.clusters}?${query}`, { headers: { Accept: "application/json" } });
    if (!answer.ok) throw new Error(String(answer.status));
    return (await answer.json()).clusters;
  }

  async function load() {
    const mine = ++asked;
    const bounds = map.getBounds();
    const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()]
      .map((value) => value.toFixed(5)).join(",");
    let found;
    try {
      found = await ask(bbox, map.getZoom());
    } catch {
      if (status) status.textContent = gettext("The map's photos could not be loaded. Move the map to try again.");
      return;
    }
    if (mine !== asked) return; // a later view's answer wins
    clusters.clearLayers();
    for (const cluster of found) clusters.addLayer(marker(map, cluster, host.dataset.spot));
    const total = found.reduce((sum, cluster) => sum + cluster.count, 0);
    if (status) status.textContent = found.length ? counted(total) : gettext("No photos with a place in this part of the map.");
  }

  // First the whole world's clusters, to frame them all; then each view's own.
  (async () => {
    try {
      const everywhere = await ask("-180,-85,180,85", 2);
      if (everywhere.length) {
        const frame = L.latLngBounds(everywhere.map((cluster) => [cluster.lat, cluster.lon]));
        map.fitBounds(frame, { padding: [CLUSTER_PIXELS, CLUSTER_PIXELS], maxZoom: 12, animate: false });
      }
    } catch {
      // The view's own request says so.
    }
    map.on("moveend", load);
    load();
  })();
}

function marker(map, cluster, spot) {
  const [south, west, north, east] = cluster.bounds;
  const icon = document.createElement("span");
  icon.className = "map-cluster";
  if (cluster.photo?.derivatives_ready) {
    const picture = document.createElement("img");
    picture.src = cluster.photo.thumbnail_url;
    picture.alt = "";
    icon.append(picture);
  }
  const count = document.createElement("span");
  count.className = "map-count";
  count.textContent = number(cluster.count);
  icon.append(count);
  const place = cluster.photo?.place?.city;
  const title = place ? `${counted(cluster.count)}, ${place}` : counted(cluster.count);
  const pin = L.marker([cluster.lat, cluster.lon], {
    icon: L.divIcon({ html: icon, className: "map-pin", iconSize: [CLUSTER_PIXELS, CLUSTER_PIXELS] }),
    title,
    alt: title,
    keyboard: true,
  });
  pin.on("click", () => {
    if (cluster.count > 1 && map.getZoom() < CLOSEST) {
      map.fitBounds([[south, west], [north, east]]);
    } else {
      window.location.href = `${spot}?bounds=${[south, west, north, east].join(",")}`;
    }
  });
  return pin;
}

// The countries' outline, from world-atlas's TopoJSON (topojson-client, a classic script).
async function drawOutline(map, atlas) {
  if (!atlas || !window.topojson) return;
  try {
    const topology = await (await fetch(atlas)).json();
    const countries = window.topojson.feature(topology, topology.objects.countries);
    for (const country of countries.features) unwrapGeometry(country.geometry);
    // Below the tiles (Leaflet's tile pane is at 200): seen where they are not.
    map.createPane("outline").style.zIndex = "150";
    L.geoJSON(countries, { interactive: false, className: "map-land", pane: "outline" }).addTo(map);
  } catch {
    // No outline: the tiles, if any, show the world anyway.
  }
}

// A country across 180° (Russia, Fiji) has rings that jump from +180 to -180, which a flat
// map draws as a line round the world: its points continue past 180 instead. Antarctica,
// round the pole, is drawn as it is.
function unwrapGeometry(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  for (const polygon of polygons) {
    polygon.forEach((ring, index) => {
      if (ring.some(([, lat]) => lat < -85)) return;
      let shift = 0;
      polygon[index] = ring.map(([lon, lat], at) => {
        if (at) {
          const before = ring[at - 1][0];
          if (lon - before > 180) shift -= 360;
          else if (before - lon > 180) shift += 360;
        }
        return [lon + shift, lat];
      });
    });
  }
}
