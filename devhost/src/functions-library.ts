// The parts of the app's own copy of `@azure/functions` devhost builds invocation objects with.
import { requireFromApp } from "./app-loader.js";

export interface InvocationContextLike {
  readonly invocationId: string;
  readonly functionName: string;
  readonly extraInputs: { get(name: string): unknown; set(name: string, value: unknown): void };
  readonly extraOutputs: { get(name: string): unknown };
}

export interface CookieLike {
  name: string;
  value: string;
  domain?: string;
  path?: string;
  expires?: Date | number;
  secure?: boolean;
  httpOnly?: boolean;
  sameSite?: "Strict" | "Lax" | "None";
  maxAge?: number;
}

/** What `HttpResponse` offers once constructed (status, headers, cookies, web body stream). */
export interface HttpResponseLike {
  readonly status: number;
  readonly headers: Headers;
  readonly cookies: readonly CookieLike[];
  readonly body: ReadableStream<Uint8Array> | null;
}

export interface FunctionsLibrary {
  InvocationContext: new (init: Record<string, unknown>) => InvocationContextLike;
  HttpRequest: new (init: Record<string, unknown>) => object;
  HttpResponse: new (init?: Record<string, unknown>) => HttpResponseLike;
}

function hasConstructor(lib: Record<string, unknown>, name: string): boolean {
  return typeof lib[name] === "function";
}

function isFunctionsLibrary(value: unknown): value is FunctionsLibrary {
  if (typeof value !== "object" || value === null) return false;
  const lib = value as Record<string, unknown>;
  return ["InvocationContext", "HttpRequest", "HttpResponse"].every((name) =>
    hasConstructor(lib, name),
  );
}

/**
 * Loads `@azure/functions` resolved from the app directory, so `instanceof HttpResponse` and
 * `context.extraInputs` behave exactly as in the app's own code.
 */
export function loadFunctionsLibrary(appDir: string): FunctionsLibrary {
  const lib = requireFromApp(appDir, "@azure/functions");
  if (!isFunctionsLibrary(lib)) {
    throw new Error(
      `The "@azure/functions" package resolved from ${appDir} does not export the v4 classes devhost needs.`,
    );
  }
  return lib;
}
