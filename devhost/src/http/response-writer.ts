// Writes what an HTTP handler returned (HttpResponse or HttpResponseInit) to a node:http response,
// streaming ReadableStream / AsyncIterable / Node stream bodies chunk by chunk without buffering.
import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import type { CookieLike, FunctionsLibrary, HttpResponseLike } from "../functions-library.js";

/** A handler's return value the worker cannot turn into an HTTP response. */
export class InvalidHttpResponseError extends Error {
  override name = "InvalidHttpResponseError";
}

const NULL_BODY_STATUSES = new Set([204, 205, 304]);
const TEXT_CONTENT_TYPE = "text/plain;charset=UTF-8";
const JSON_CONTENT_TYPE = "application/json";

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

export function serializeCookie(cookie: CookieLike): string {
  let out = `${cookie.name}=${cookie.value}`;
  if (cookie.domain) out += `; Domain=${cookie.domain}`;
  if (cookie.path) out += `; Path=${cookie.path}`;
  if (cookie.expires !== undefined) out += `; Expires=${new Date(cookie.expires).toUTCString()}`;
  if (cookie.maxAge !== undefined) out += `; Max-Age=${cookie.maxAge}`;
  if (cookie.secure) out += "; Secure";
  if (cookie.httpOnly) out += "; HttpOnly";
  if (cookie.sameSite) out += `; SameSite=${cookie.sameSite}`;
  return out;
}

function isCookie(value: unknown): value is CookieLike {
  return isRecord(value) && typeof value.name === "string" && typeof value.value === "string";
}

function setHeaders(res: ServerResponse, headers: unknown): void {
  if (headers === undefined || headers === null) return;
  if (headers instanceof Headers) {
    for (const [name, value] of headers) if (name !== "set-cookie") res.setHeader(name, value);
    const cookies = headers.getSetCookie();
    if (cookies.length > 0) res.appendHeader("set-cookie", cookies);
    return;
  }
  const entries: Iterable<unknown> = Array.isArray(headers)
    ? headers
    : isRecord(headers)
      ? Object.entries(headers)
      : [];
  for (const entry of entries) {
    if (!Array.isArray(entry) || entry.length !== 2) continue;
    const [name, value] = entry as [unknown, unknown];
    if (typeof name !== "string" || value === undefined || value === null) continue;
    if (name.toLowerCase() === "set-cookie") res.appendHeader("set-cookie", String(value));
    else res.setHeader(name, String(value));
  }
}

function setCookies(res: ServerResponse, cookies: unknown): void {
  if (!Array.isArray(cookies) || cookies.length === 0) return;
  res.appendHeader("set-cookie", cookies.filter(isCookie).map(serializeCookie));
}

function toStatus(value: unknown): number {
  const status = typeof value === "string" ? Number(value) : value;
  if (status === undefined || status === null) return 200;
  if (typeof status !== "number" || !Number.isInteger(status) || status < 200 || status > 599) {
    throw new InvalidHttpResponseError(`Invalid HTTP status "${String(value)}".`);
  }
  return status;
}

function isStreamBody(body: object): body is WebReadableStream | AsyncIterable<unknown> {
  return body instanceof ReadableStream || body instanceof Readable || Symbol.asyncIterator in body;
}

async function streamBody(
  res: ServerResponse,
  body: WebReadableStream | AsyncIterable<unknown>,
): Promise<void> {
  if (!res.hasHeader("content-length")) res.flushHeaders();
  const source =
    body instanceof Readable
      ? body
      : body instanceof ReadableStream
        ? Readable.fromWeb(body)
        : Readable.from(body);
  await pipeline(source, res);
}

function endWith(
  res: ServerResponse,
  body: string | Uint8Array,
  defaultType: string | undefined,
): void {
  if (defaultType !== undefined && !res.hasHeader("content-type"))
    res.setHeader("content-type", defaultType);
  res.setHeader(
    "content-length",
    typeof body === "string" ? Buffer.byteLength(body) : body.byteLength,
  );
  res.end(body);
}

async function writeLibraryResponse(
  res: ServerResponse,
  response: HttpResponseLike,
): Promise<void> {
  res.statusCode = response.status;
  setHeaders(res, response.headers);
  setCookies(res, response.cookies);
  if (response.body === null || NULL_BODY_STATUSES.has(response.status)) {
    res.end();
    return;
  }
  await streamBody(res, response.body as WebReadableStream);
}

/**
 * Sends the handler's result. Plain strings, bytes and `jsonBody` take a direct path; streams are
 * piped as they arrive; other body kinds (Blob, FormData, URLSearchParams) go through the library's
 * HttpResponse so they serialise exactly as on the real worker.
 */
export async function writeHttpResponse(
  res: ServerResponse,
  result: unknown,
  library: FunctionsLibrary,
): Promise<void> {
  if (result === undefined || result === null) {
    res.statusCode = 204;
    res.end();
    return;
  }
  if (!isRecord(result)) {
    throw new InvalidHttpResponseError(
      'The HTTP response must be an object with optional properties "body", "status", "headers", and "cookies".',
    );
  }
  if (result instanceof library.HttpResponse) {
    await writeLibraryResponse(res, result);
    return;
  }
  const status = toStatus(result.status);
  const { body, jsonBody } = result;
  const plain =
    (jsonBody !== undefined && jsonBody !== null) ||
    body === undefined ||
    body === null ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ArrayBuffer ||
    (typeof body === "object" && isStreamBody(body));
  if (!plain) {
    await writeLibraryResponse(res, new library.HttpResponse(result));
    return;
  }
  res.statusCode = status;
  setHeaders(res, result.headers);
  setCookies(res, result.cookies);
  if (NULL_BODY_STATUSES.has(status)) {
    res.end();
  } else if (jsonBody !== undefined && jsonBody !== null) {
    endWith(res, JSON.stringify(jsonBody), JSON_CONTENT_TYPE);
  } else if (body === undefined || body === null) {
    res.end();
  } else if (typeof body === "string") {
    endWith(res, body, TEXT_CONTENT_TYPE);
  } else if (body instanceof Uint8Array) {
    endWith(res, body, undefined);
  } else if (body instanceof ArrayBuffer) {
    endWith(res, new Uint8Array(body), undefined);
  } else {
    await streamBody(res, body as WebReadableStream | AsyncIterable<unknown>);
  }
}
