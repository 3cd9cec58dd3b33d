// The explorer's state in the address: filters, layers, map view and the open panel, so that a
// link shows someone else the same map.

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const LAYERS = ["actors", "ideas", "groups"];

/** The state the address describes. */
export function readState(search = location.search) {
  const params = new URLSearchParams(search);
  const one = (name, max = 200) => (params.get(name) || "").trim().slice(0, max);
  const id = (name) => (UUID.test(one(name)) ? one(name).toLowerCase() : null);
  const layers = params.has("layers")
    ? one("layers").split(",").filter((layer) => LAYERS.includes(layer))
    : ["actors"];
  return {
    q: one("q"),
    topic: [...new Set(params.getAll("topic").map((slug) => slug.trim()).filter(Boolean))].slice(0, 30),
    action_field: one("action_field", 64),
    district: one("district", 120),
    kind: one("kind", 64),
    layers,
    view: readView(one("map", 60)),
    actor: id("actor"),
    idea: id("idea"),
    group: id("group"),
  };
}

function readView(text) {
  const [zoom, lat, lon] = text.split("/").map(Number);
  const valid =
    Number.isInteger(zoom) && zoom >= 0 && zoom <= 20 &&
    Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  return valid ? { zoom, lat, lon } : null;
}

/** The address of `state`. */
export function stateSearch(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const slug of state.topic) params.append("topic", slug);
  for (const name of ["action_field", "district", "kind"]) {
    if (state[name]) params.set(name, state[name]);
  }
  if (state.layers.join(",") !== "actors") params.set("layers", state.layers.join(","));
  for (const name of ["actor", "idea", "group"]) {
    if (state[name]) params.set(name, state[name]);
  }
  if (state.view) {
    const { zoom, lat, lon } = state.view;
    params.set("map", `${zoom}/${lat.toFixed(4)}/${lon.toFixed(4)}`);
  }
  const text = params.toString();
  return text ? `?${text.replace(/%2F/gi, "/").replace(/%2C/gi, ",")}` : location.pathname;
}

/** Put `state` in the address: a new history entry (`push`), or in place of the current one. */
export function writeState(state, { push = false } = {}) {
  const target = stateSearch(state);
  if (target === location.search || (target === location.pathname && !location.search)) return;
  if (push) history.pushState(null, "", target);
  else history.replaceState(null, "", target);
}

/** The filters of `state` as the API's query parameters. */
export function apiFilters(state) {
  return {
    topic: state.topic,
    action_field: state.action_field,
    district: state.district,
    kind: state.kind,
  };
}
