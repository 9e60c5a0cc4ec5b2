// Where the browser sends API calls, and the URL we tell sellers to point their agent at.

const configured = (import.meta.env.VITE_API_BASE_URL ?? "").trim().replace(/\/+$/, "");

/** Prefix for fetch: same origin in dev (the Vite proxy forwards /api), the configured URL in a build. */
export function apiFetchBase(): string {
  return import.meta.env.DEV ? "" : configured;
}

/** The absolute API origin an agent on another machine should use. */
export function apiPublicUrl(): string {
  return /^https?:\/\//.test(configured) ? configured : window.location.origin;
}
