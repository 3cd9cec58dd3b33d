// Calls to the Radar API under v1/, with the token this tab signed in with (if any).

const TOKEN_KEY = "radar-token";

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
    this.retryAfter = problem?.retryAfter;
  }
}

/** The token kept for this browser tab only (sessionStorage, never localStorage). */
export function token() {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value) {
  if (value) sessionStorage.setItem(TOKEN_KEY, value);
  else sessionStorage.removeItem(TOKEN_KEY);
}

/** Query parameters as the API reads them: lists repeat their name, empties are left out. */
export function query(params = {}) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item !== undefined && item !== null && item !== "") search.append(name, String(item));
    }
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}

/** GET a JSON document (GeoJSON too) from `v1/<path>`; throws ApiError for problems. */
export async function get(path, params = {}, { signal, withToken = token() } = {}) {
  const headers = { Accept: "application/json, application/geo+json, application/problem+json" };
  if (withToken) headers.Authorization = `Bearer ${withToken}`;
  const response = await fetch(`v1/${path}${query(params)}`, { headers, signal });
  if (!response.ok) {
    let problem = null;
    try {
      problem = await response.json();
    } catch {
      problem = { title: response.statusText };
    }
    problem.retryAfter = response.headers.get("Retry-After");
    throw new ApiError(response.status, problem);
  }
  return response.json();
}

/** The explorer's own configuration (base map, whether anonymous reads are allowed). */
export async function explorerConfig() {
  const response = await fetch("explorer-config.json");
  if (!response.ok) throw new ApiError(response.status, { title: response.statusText });
  return response.json();
}

const actors = new Map();

/** An actor's profile as the caller may see it, fetched once per sign-in. */
export function actor(id) {
  if (!actors.has(id)) {
    const loading = get(`actors/${encodeURIComponent(id)}`);
    loading.catch(() => actors.delete(id));
    actors.set(id, loading);
  }
  return actors.get(id);
}

/** Forget what was read with another token. */
export function forgetCache() {
  actors.clear();
}
