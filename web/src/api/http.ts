// One fetch wrapper: base URL, bearer key, problem+json to ApiError, zod-checked JSON bodies.
import type { z } from "zod";
import { ApiError, errorFromBody } from "./api-error.js";

export interface HttpOptions {
  baseUrl: string;
  apiKey?: string;
  fetchImpl?: typeof fetch;
}

export interface RequestOptions {
  method?: "GET" | "POST";
  body?: unknown;
  accept?: string;
  signal?: AbortSignal;
}

export type QueryValue = string | number | undefined;

export function withQuery(path: string, query: Record<string, QueryValue>): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) return text;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export async function send(
  http: HttpOptions,
  path: string,
  options: RequestOptions = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept: options.accept ?? "application/json" };
  if (http.apiKey) headers.authorization = `Bearer ${http.apiKey}`;
  if (options.body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await (http.fetchImpl ?? fetch)(`${http.baseUrl}${path}`, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "Cannot reach the API", "Check your connection; retrying may help.");
  }
  if (!response.ok)
    throw errorFromBody(response.status, response.statusText, await readBody(response));
  return response;
}

export async function requestJson<S extends z.ZodType>(
  http: HttpOptions,
  path: string,
  schema: S,
  options: RequestOptions = {},
): Promise<z.output<S>> {
  const response = await send(http, path, options);
  const parsed = schema.safeParse(await readBody(response));
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join(".") || "body"}: ${first.message}` : "unexpected body";
    throw new ApiError(response.status, "Unexpected answer from the API", `${path} (${where})`);
  }
  return parsed.data;
}
