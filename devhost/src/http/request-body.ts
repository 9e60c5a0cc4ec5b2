// Reads a request body into memory, enforcing the host's request size limit.
import type { IncomingMessage } from "node:http";

/** The Functions host's default request body limit: 100 MB (FUNCTIONS_REQUEST_BODY_SIZE_LIMIT overrides it). */
export const DEFAULT_MAX_REQUEST_BODY_BYTES = 104_857_600;

export class PayloadTooLargeError extends Error {
  override name = "PayloadTooLargeError";
}

const EMPTY = Buffer.alloc(0);

/** The body bytes; rejects with PayloadTooLargeError as soon as the limit is exceeded. */
export function readRequestBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > limitBytes) {
    return Promise.reject(
      new PayloadTooLargeError(`Request body of ${declared} bytes exceeds ${limitBytes} bytes.`),
    );
  }
  if (declared === 0 && req.headers["transfer-encoding"] === undefined) {
    req.resume();
    return Promise.resolve(EMPTY);
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limitBytes) {
        req.off("data", onData);
        req.resume();
        reject(new PayloadTooLargeError(`Request body exceeds ${limitBytes} bytes.`));
        return;
      }
      chunks.push(chunk);
    };
    req.on("data", onData);
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    req.once("error", reject);
  });
}
