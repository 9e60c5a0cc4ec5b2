// The agent's HTTP client: timeouts, problem+json errors, back-off retries for 5xx and network
// failures. Tokens travel only in headers and never appear in errors or logs.
import { ProblemSchema, type Problem } from "@wastecompute/contracts";
import type { z } from "zod";
import { Backoff, DEFAULT_BACKOFF, sleep, type BackoffOptions } from "./backoff.js";

export const REQUEST_TIMEOUT_MS = 15_000;
export const DEFAULT_MAX_ATTEMPTS = 5;

/** An HTTP answer outside 2xx, carrying the problem document when the API sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem | undefined,
    readonly body: unknown,
    method: string,
    path: string,
  ) {
    super(
      `${method} ${path} → ${status}${problem ? ` ${problem.title}${problem.detail ? `: ${problem.detail}` : ""}` : ""}`,
    );
    this.name = "ApiError";
  }
}

/** The API could not be reached (DNS, refused connection, timeout) after every retry. */
export class ApiUnreachableError extends Error {
  constructor(method: string, path: string, cause: unknown) {
    super(
      `${method} ${path}: API unreachable (${cause instanceof Error ? cause.message : String(cause)})`,
    );
    this.name = "ApiUnreachableError";
  }
}

/** One request: method, path under the API base, optional JSON or raw body and extra headers. */
export interface ApiRequest {
  method: "GET" | "POST" | "PUT";
  path: string;
  json?: unknown;
  raw?: Uint8Array;
  headers?: Record<string, string>;
  /** How many tries in all for 5xx / network errors (1 = no retry). */
  maxAttempts?: number;
  signal?: AbortSignal;
}

/** Told about each retry so the CLI can show a status line ("API unreachable, retrying in 2 s"). */
export type RetryListener = (info: {
  path: string;
  attempt: number;
  delayMs: number;
  reason: string;
}) => void;

export interface ApiClientOptions {
  baseUrl: string;
  /** Seller API key or node token, sent as `Authorization: Bearer`. */
  bearer?: string;
  fetchImpl?: typeof fetch;
  backoff?: BackoffOptions;
  timeoutMs?: number;
  onRetry?: RetryListener;
}

/** Thin typed wrapper over fetch for the WasteCompute API. */
export class ApiClient {
  private readonly fetchImpl: typeof fetch;
  constructor(private readonly options: ApiClientOptions) {
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  withBearer(bearer: string): ApiClient {
    return new ApiClient({ ...this.options, bearer });
  }

  /** Sends the request and validates a 2xx JSON answer with `schema`. */
  async call<S extends z.ZodType>(request: ApiRequest, schema: S): Promise<z.infer<S>> {
    const body = await this.send(request);
    return schema.parse(body);
  }

  /** Sends the request; returns the parsed JSON body (or undefined for an empty one). */
  async send(request: ApiRequest): Promise<unknown> {
    const maxAttempts = request.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const backoff = new Backoff(this.options.backoff ?? DEFAULT_BACKOFF);
    for (let attempt = 1; ; attempt++) {
      let retryReason: string;
      let lastError: unknown;
      try {
        const response = await this.once(request);
        const body = await readBody(response);
        if (response.ok) return body;
        const problem = ProblemSchema.safeParse(body);
        const error = new ApiError(
          response.status,
          problem.success ? problem.data : undefined,
          body,
          request.method,
          request.path,
        );
        if (response.status < 500 && response.status !== 429) throw error;
        lastError = error;
        retryReason = `HTTP ${response.status}`;
      } catch (error) {
        if (error instanceof ApiError && error.status < 500 && error.status !== 429) throw error;
        if (request.signal?.aborted) throw error;
        lastError = error;
        retryReason = error instanceof Error ? error.message : String(error);
      }
      if (attempt >= maxAttempts) {
        if (lastError instanceof ApiError) throw lastError;
        throw new ApiUnreachableError(request.method, request.path, lastError);
      }
      const delayMs = backoff.next();
      this.options.onRetry?.({ path: request.path, attempt, delayMs, reason: retryReason });
      await sleep(delayMs, request.signal);
    }
  }

  private once(request: ApiRequest): Promise<Response> {
    const headers: Record<string, string> = { accept: "application/json", ...request.headers };
    if (this.options.bearer) headers.authorization = `Bearer ${this.options.bearer}`;
    let body: string | Uint8Array | undefined;
    if (request.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(request.json);
    } else if (request.raw) {
      headers["content-type"] = "application/octet-stream";
      body = request.raw;
    }
    const timeout = AbortSignal.timeout(this.options.timeoutMs ?? REQUEST_TIMEOUT_MS);
    const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
    const url = new URL(
      request.path.replace(/^\//, ""),
      this.options.baseUrl.endsWith("/") ? this.options.baseUrl : `${this.options.baseUrl}/`,
    );
    return this.fetchImpl(url, { method: request.method, headers, body, signal });
  }
}

async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
