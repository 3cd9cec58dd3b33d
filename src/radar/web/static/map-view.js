// The Leaflet map: the API's clusters and points coloured by kind, the selection, match lines.

import { h } from "./dom.js";
import { t, term } from "./i18n.js";

const L = window.L;
const MOTION = !matchMedia("(prefers-reduced-motion: reduce)").matches;

// Okabe–Ito colours (told apart with the common colour-vision deficiencies); ideas in purples.
export const KIND_COLOURS = {
  company: "#0072B2",
  university: "#D55E00",
  research_institute: "#CC79A7",
  startup: "#E69F00",
  network: "#009E73",
  chamber: "#56B4E9",
  public_body: "#8C6D1F",
  other: "#7A7A7A",
  idea: "#6A3D9A",
  use_case: "#9E7BC9",
  joint_project: "#3F1F6E",
};

export function colourOf(kind) {
  return KIND_COLOURS[kind] || KIND_COLOURS.other;
}

/** A point's or cluster's marker element; data-* lets a reader (or a test) tell what it is. */
function pinElement(feature) {
  const p = feature.properties;
  const [lon, lat] = feature.geometry.coordinates;
  const el = h("span", {
    class: `radar-pin ${p.layer === "idea" ? "radar-idea" : "radar-actor"}`,
    dataset: { id: feature.id, layer: p.layer, kind: p.kind, lat, lon },
  });
  el.style.setProperty("--c", colourOf(p.kind));
  return el;
}

function clusterElement(feature, size) {
  const p = feature.properties;
  const kinds = Object.entries(p.kinds || {}).sort((a, b) => b[1] - a[1]);
  let start = 0;
  const stops = kinds.map(([kind, n]) => {
    const end = start + (n / p.count) * 100;
    const stop = `${colourOf(kind)} ${start.toFixed(2)}% ${end.toFixed(2)}%`;
    start = end;
    return stop;
  });
  const el = h(
    "span",
    { class: "radar-cluster", dataset: { id: feature.id, count: p.count } },
    h("span", { class: "radar-count" }, p.count),
  );
  el.style.background = `conic-gradient(${stops.join(", ")})`;
  el.style.width = el.style.height = `${size}px`;
  return el;
}

/** A cluster told in words: its size and its largest kinds. */
export function clusterSummary(feature) {
  const p = feature.properties;
  const kinds = Object.entries(p.kinds || {})
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${n} ${term("kinds", kind)}`)
    .join(", ");
  return t("clusterLabel", p.count, kinds);
}

/** Click, Enter or Space on a marker (Leaflet's markers are buttons in the tab order, but
 * Enter only opens a popup there). */
function activate(marker, action, label) {
  marker.on("add", () => marker.getElement()?.setAttribute("aria-label", label));
  marker.on("click", action);
  marker.on("keydown", (event) => {
    const key = event.originalEvent.key;
    if (key === "Enter" || key === " ") {
      event.originalEvent.preventDefault();
      action();
    }
  });
}

export class MapView {
  constructor(element, config, { onSelect, onTilesMissing }) {
    this.element = element;
    this.onSelect = onSelect;
    this.map = L.map(element, { zoomSnap: 1, worldCopyJump: false, minZoom: 2, maxZoom: 19 });
    this.map.attributionControl.setPrefix(false);
    this.features = L.layerGroup().addTo(this.map);
    this.overlay = L.layerGroup().addTo(this.map);
    this.members = L.layerGroup().addTo(this.map);
    if (config.tile_url) {
      let loaded = false;
      const tiles = L.tileLayer(config.tile_url, {
        attribution: config.tile_attribution,
        maxZoom: 19,
      });
      tiles.on("tileload", () => {
        loaded = true;
        element.classList.remove("no-tiles");
      });
      tiles.on("tileerror", () => {
        if (loaded || element.classList.contains("no-tiles")) return;
        element.classList.add("no-tiles");
        onTilesMissing();
      });
      tiles.addTo(this.map);
    } else {
      element.classList.add("no-tiles");
    }
  }

  /** zoom, bbox (minLon,minLat,maxLon,maxLat, a little beyond the screen) and the centre. */
  view() {
    const bounds = this.map.getBounds().pad(0.15);
    const clamp = (value, limit) => Math.max(-limit, Math.min(limit, value));
    const west = clamp(bounds.getWest(), 180);
    const east = clamp(bounds.getEast(), 180);
    const south = clamp(bounds.getSouth(), 90);
    const north = clamp(bounds.getNorth(), 90);
    const centre = this.map.getCenter();
    return {
      zoom: this.map.getZoom(),
      bbox: [west, south, east, north].map((n) => n.toFixed(5)).join(","),
      lat: centre.lat,
      lon: ((centre.lng + 540) % 360) - 180,
    };
  }

  setView({ lat, lon, zoom }) {
    this.map.setView([lat, lon], zoom, { animate: false });
  }

  fitPoints(points, maxZoom = 12) {
    if (!points.length) return;
    this.map.fitBounds(L.latLngBounds(points), { padding: [40, 40], maxZoom, animate: false });
  }

  flyToPoints(points, maxZoom = 13) {
    if (!points.length) return;
    const bounds = L.latLngBounds(points);
    if (points.length === 1 || bounds.getNorthEast().equals(bounds.getSouthWest())) {
      const zoom = Math.max(this.map.getZoom(), Math.min(maxZoom, 12));
      if (MOTION) this.map.flyTo(points[0], zoom, { duration: 0.8 });
      else this.map.setView(points[0], zoom, { animate: false });
    } else if (MOTION) {
      this.map.flyToBounds(bounds, { padding: [60, 60], maxZoom, duration: 0.8 });
    } else {
      this.map.fitBounds(bounds, { padding: [60, 60], maxZoom, animate: false });
    }
  }

  /** Draw an API FeatureCollection: clusters as pies of their kinds, points as pins. */
  draw(features) {
    this.features.clearLayers();
    for (const feature of features) {
      const [lon, lat] = feature.geometry.coordinates;
      const p = feature.properties;
      if (p.cluster) {
        const size = Math.round(30 + 7 * Math.log2(p.count));
        const marker = L.marker([lat, lon], {
          icon: L.divIcon({
            html: clusterElement(feature, size),
            className: "radar-icon",
            iconSize: [size, size],
          }),
          title: clusterSummary(feature),
          riseOnHover: true,
        });
        activate(marker, () => this.zoomInto([lat, lon]), clusterSummary(feature));
        marker.addTo(this.features);
      } else {
        const marker = L.marker([lat, lon], {
          icon: L.divIcon({ html: pinElement(feature), className: "radar-icon", iconSize: [18, 18] }),
          title: `${p.name} · ${term("kinds", p.kind)}`,
          riseOnHover: true,
        });
        activate(marker, () => this.onSelect(p.layer, feature.id), `${p.name} · ${term("kinds", p.kind)}`);
        marker.addTo(this.features);
      }
    }
  }

  zoomInto(latlng) {
    const zoom = Math.min(this.map.getZoom() + 2, 18);
    if (MOTION) this.map.flyTo(latlng, zoom, { duration: 0.6 });
    else this.map.setView(latlng, zoom, { animate: false });
  }

  /** Ring the selected item; `line` to another point draws the match between them. */
  select(point, { line = null } = {}) {
    this.overlay.clearLayers();
    if (point) {
      L.circleMarker(point, { radius: 15, className: "selected-ring", interactive: false })
        .addTo(this.overlay);
    }
    if (point && line) {
      L.polyline([point, line], { className: "match-line", interactive: false })
        .addTo(this.overlay);
      L.circleMarker(line, { radius: 12, className: "match-ring", interactive: false })
        .addTo(this.overlay);
    }
  }

  /** Ring the members of a working group. */
  showMembers(points) {
    this.members.clearLayers();
    for (const point of points) {
      L.circleMarker(point, { radius: 11, className: "member-ring", interactive: false })
        .addTo(this.members);
    }
  }

  on(event, handler) {
    this.map.on(event, handler);
  }
}
