// The map explorer: wires the address, the filters, the map and the panels to the API.

import * as api from "./api.js";
import { debounce, fill, h } from "./dom.js";
import { IDEA_KINDS, KINDS, labelOf, t, term, translatePage } from "./i18n.js";
import { clusterSummary, colourOf, MapView } from "./map-view.js";
import { Filters } from "./filters.js";
import { Panels } from "./panels.js";
import { apiFilters, readState, writeState } from "./url-state.js";

const $ = (id) => document.getElementById(id);
const GERMANY = { lat: 51.1657, lon: 10.4515, zoom: 6 };
const MAX_LISTED = 200;
const FILTER_KEYS = ["q", "topic", "action_field", "district", "kind", "layers"];

let state = readState();
let config = null;
let mapView = null;
let filters = null;
let panels = null;
let started = false;
let shownKey = null;
let mapRequest = null;
let returnFocus = null;
const topics = new Map();
const actionFields = new Map();

const topicLabel = (slug) => (topics.has(slug) ? labelOf(topics.get(slug)) : slug);
const actionFieldLabel = (slug) => (actionFields.has(slug) ? labelOf(actionFields.get(slug)) : slug);
const mapLayers = () => state.layers.filter((layer) => layer !== "groups");
const panelOpen = () => Boolean(state.actor || state.idea || state.group);

function announce(text) {
  const notice = $("notice");
  notice.hidden = !text;
  notice.textContent = text || "";
}

function report(error) {
  if (error.name === "AbortError") return;
  if (error.status === 401) {
    api.setToken(null);
    showWho(null);
    announce(t("signInNeeded"));
    openSignIn();
  } else if (error.status === 429) {
    announce(t("tooManyRequests", error.retryAfter || 60));
  } else if (error instanceof TypeError) {
    announce(t("offline"));
  } else {
    announce(t("failed", error.message));
  }
}

async function boot() {
  translatePage();
  drawLegend();
  config = await api.explorerConfig();
  mapView = new MapView($("map"), config, {
    onSelect: (layer, id) => openPanel(layer === "idea" ? "idea" : "actor", id, { fly: false }),
    onTilesMissing: () => announce(t("noTiles")),
  });
  mapView.setView(state.view || GERMANY);
  panels = new Panels($("panel"), {
    mapView,
    topicLabel,
    actionFieldLabel,
    open: (kind, id) => openPanel(kind, id),
    close: () => closePanel(),
    announce,
  });
  filters = new Filters($("filters"), { onChange: (change) => update(change), topicLabel });
  filters.show(state);
  setUpSignIn();
  mapView.on("moveend", debounce(moved, 120));
  window.addEventListener("popstate", () => {
    state = readState();
    filters.show(state);
    if (state.view) mapView.setView(state.view);
    if (started) show({ push: false });
  });
  await start();
}

/** Who reads: the token of this tab, or nobody when public reading is on. */
async function start() {
  let me = null;
  if (api.token()) {
    try {
      me = await api.get("me");
    } catch (error) {
      if (error.status !== 401) return report(error);
      api.setToken(null);
    }
  }
  showWho(me);
  if (!me && !config.public_read) {
    $("status").textContent = t("signInNeeded");
    openSignIn();
    return;
  }
  started = true;
  if ($("notice").textContent === t("signInNeeded")) announce("");
  await loadChoices();
  if (!state.view) await fitEverything();
  show({ push: false, fly: !state.view });
}

async function loadChoices() {
  const [topicList, fields, districts] = await Promise.all([
    api.get("topics").catch(() => []),
    api.get("action-fields").catch(() => []),
    api.get("statistics/actors", { group_by: "district" }).catch(() => ({ data: [] })),
  ]);
  for (const topic of topicList) topics.set(topic.slug, topic);
  for (const field of fields) actionFields.set(field.slug, field);
  filters.setChoices({
    actionFields: fields,
    districts: districts.data.map((bucket) => bucket.key).filter(Boolean).sort((a, b) => a.localeCompare(b, "de")),
  });
  filters.show(state);
}

/** Without a view in the address: show everything that matches. */
async function fitEverything() {
  const layers = mapLayers();
  if (!layers.length) return;
  try {
    const all = await api.get("map", { ...apiFilters(state), layer: layers, zoom: 7 });
    mapView.fitPoints(all.features.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
  } catch (error) {
    report(error);
  }
}

/** Draw what the state asks for: the map's points, the group list and the open panel. */
function show({ push, fly = true }) {
  loadMap();
  loadGroups();
  if (state.actor) openPanel("actor", state.actor, { push, fly });
  else if (state.idea) openPanel("idea", state.idea, { push, fly });
  else if (state.group) openPanel("group", state.group, { push, fly });
  else closePanel({ push });
}

function update(change) {
  state = { ...state, ...change };
  writeState(state, { push: true });
  if (!started) return;
  if (FILTER_KEYS.some((key) => key in change)) {
    loadMap({ fit: Boolean("q" in change && state.q) });
    loadGroups();
  }
}

function moved() {
  const view = mapView.view();
  state.view = { zoom: view.zoom, lat: view.lat, lon: view.lon };
  writeState(state);
  if (started) loadMap();
}

async function loadMap({ fit = false } = {}) {
  const layers = mapLayers();
  const view = mapView.view();
  const search = Boolean(state.q);
  const params = search
    ? { ...apiFilters(state), q: state.q, layers }
    : { ...apiFilters(state), layer: layers, zoom: view.zoom, bbox: view.bbox };
  const key = JSON.stringify(params);
  if (key === shownKey && !fit) return;
  mapRequest?.abort();
  const request = new AbortController();
  mapRequest = request;
  shownKey = key;
  $("status").textContent = t("loading");
  $("results").setAttribute("aria-busy", "true");
  try {
    const found = !layers.length
      ? { features: [], count: 0, truncated: false }
      : search ? await searchItems(layers, request.signal) : await api.get("map", params, { signal: request.signal });
    if (request !== mapRequest) return;
    const located = found.features.filter((feature) => feature.geometry);
    mapView.draw(located);
    drawResults(found, search);
    if (fit) {
      mapView.fitPoints(located.map((f) => [f.geometry.coordinates[1], f.geometry.coordinates[0]]));
    }
  } catch (error) {
    if (request === mapRequest) {
      shownKey = null;
      $("status").textContent = "";
    }
    report(error);
  } finally {
    if (request === mapRequest) $("results").setAttribute("aria-busy", "false");
  }
}

/** Free text: the actors (and ideas) the list endpoints find, each where it is shown. */
async function searchItems(layers, signal) {
  const asks = [];
  const filter = apiFilters(state);
  if (layers.includes("actors")) {
    asks.push(api.get("actors", { ...filter, q: state.q, limit: 100 }, { signal }).then((page) => [page, "actor"]));
  }
  if (layers.includes("ideas") && !state.kind) {
    const { topic, action_field, district } = filter;
    asks.push(api.get("ideas", { topic, action_field, district, q: state.q, limit: 100 }, { signal }).then((page) => [page, "idea"]));
  }
  const features = [];
  let count = 0;
  let truncated = false;
  for (const [page, layer] of await Promise.all(asks)) {
    count += page.count;
    truncated ||= page.count > page.data.length;
    for (const item of page.data) {
      features.push({
        type: "Feature",
        id: item.id,
        geometry: item.lat != null && item.lon != null ? { type: "Point", coordinates: [item.lon, item.lat] } : null,
        properties: { layer, name: item.name || item.title, kind: item.kind, district: item.district },
      });
    }
  }
  return { features, count, truncated };
}

function drawResults(found, search) {
  const status = $("status");
  status.textContent = [
    search ? t("found", found.count) : t("inView", found.count),
    found.truncated ? t("truncated") : null,
  ].filter(Boolean).join(" ");
  status.dataset.count = found.count;
  const clusters = found.features.filter((f) => f.properties.cluster);
  const singles = found.features
    .filter((f) => !f.properties.cluster)
    .sort((a, b) => a.properties.name.localeCompare(b.properties.name, "de"));
  const items = [
    ...clusters.map((feature) => h("li", { class: "cluster-item" },
      h("button", {
        type: "button",
        class: "link",
        "aria-label": clusterSummary(feature),
        onclick: () => mapView.zoomInto([feature.geometry.coordinates[1], feature.geometry.coordinates[0]]),
      }, t("clusterItem", feature.properties.count, feature.properties.top_topics.map(topicLabel).join(", "))),
      h("span", { class: "muted" }, ` (${t("zoomIn")})`))),
    ...singles.slice(0, MAX_LISTED).map((feature) => {
      const p = feature.properties;
      const swatch = h("span", { class: `swatch ${p.layer === "idea" ? "swatch-idea" : ""}`, "aria-hidden": "true" });
      swatch.style.setProperty("--c", colourOf(p.kind));
      return h("li", { dataset: { id: feature.id, layer: p.layer } },
        swatch,
        h("button", {
          type: "button",
          class: "link",
          onclick: () => openPanel(p.layer === "idea" ? "idea" : "actor", feature.id),
        }, p.name),
        h("span", { class: "muted" }, ` ${[term("kinds", p.kind), p.district].filter(Boolean).join(" · ")}`),
        feature.geometry ? null : h("span", { class: "muted" }, ` (${t("noLocation")})`));
    }),
  ];
  if (singles.length > MAX_LISTED) items.push(h("li", { class: "muted" }, t("more", singles.length - MAX_LISTED)));
  if (!found.features.length) items.push(h("li", { class: "muted" }, t("nothingHere")));
  fill($("result-list"), items);
}

async function loadGroups() {
  const section = $("groups");
  const wanted = state.layers.includes("groups");
  section.hidden = !wanted || panelOpen();
  if (!wanted) return;
  try {
    const { topic, action_field } = apiFilters(state);
    const found = await api.get("groups", { topic, action_field, q: state.q, limit: 100 });
    fill($("group-list"), found.data.length
      ? found.data.map((group) => h("li", {},
        h("button", { type: "button", class: "link", onclick: () => openPanel("group", group.id) }, group.name),
        h("span", { class: "muted" }, ` ${group.member_count} · ${term("joinPolicy", group.join_policy)}`)))
      : h("li", { class: "muted" }, t("nothingHere")));
  } catch (error) {
    report(error);
  }
}

async function openPanel(kind, id, { push = true, fly = true } = {}) {
  if (!$("panel").contains(document.activeElement)) returnFocus = document.activeElement;
  state = { ...state, actor: null, idea: null, group: null, [kind]: id };
  writeState(state, { push });
  for (const id of ["filters", "results", "groups"]) $(id).hidden = true;
  mapView.showMembers([]);
  const shown = await (kind === "actor" ? panels.showActor(id) : kind === "idea" ? panels.showIdea(id) : panels.showGroup(id));
  if (fly && shown && shown.lat != null && shown.lon != null) mapView.flyToPoints([[shown.lat, shown.lon]]);
}

function closePanel({ push = true } = {}) {
  const wasOpen = !$("panel").hidden;
  state = { ...state, actor: null, idea: null, group: null };
  writeState(state, { push });
  panels.hide();
  mapView.select(null);
  mapView.showMembers([]);
  $("filters").hidden = false;
  $("results").hidden = false;
  $("groups").hidden = !state.layers.includes("groups");
  if (wasOpen) {
    const target = returnFocus && document.contains(returnFocus) ? returnFocus : $("results-title");
    if (target === $("results-title")) target.setAttribute("tabindex", "-1");
    target.focus();
  }
}

function showWho(me) {
  $("who").textContent = me ? t("signedInAs", me.name, term("role", me.role)) : config?.public_read ? t("anonymous") : "";
  $("sign-in").hidden = Boolean(me);
  $("sign-out").hidden = !me;
}

function openSignIn() {
  const dialog = $("sign-in-dialog");
  $("sign-in-error").textContent = "";
  if (!dialog.open) dialog.showModal();
  $("token").focus();
}

function setUpSignIn() {
  const dialog = $("sign-in-dialog");
  $("sign-in").addEventListener("click", openSignIn);
  $("sign-out").addEventListener("click", () => {
    api.setToken(null);
    location.reload();
  });
  $("sign-in-cancel").addEventListener("click", () => dialog.close());
  $("sign-in-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = $("token").value.trim();
    if (!value) return;
    try {
      await api.get("me", {}, { withToken: value });
    } catch (error) {
      $("sign-in-error").textContent = error.status === 401 ? t("tokenRefused") : error.message;
      return;
    }
    api.setToken(value);
    api.forgetCache();
    $("token").value = "";
    dialog.close();
    shownKey = null;
    await start();
  });
}

function drawLegend() {
  fill($("legend-list"), [...KINDS, ...IDEA_KINDS].map((kind) => {
    const swatch = h("span", { class: `swatch ${IDEA_KINDS.includes(kind) ? "swatch-idea" : ""}`, "aria-hidden": "true" });
    swatch.style.setProperty("--c", colourOf(kind));
    return h("li", {}, swatch, term("kinds", kind));
  }));
}

boot().catch(report);
