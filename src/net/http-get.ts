import { get as httpGet, type IncomingMessage } from "node:http";
import { get as httpsGet } from "node:https";
import { agentFor } from "./proxy.js";

export class DownloadError extends Error {
  override name = "DownloadError";
}

/**
 * Downloads `url` (through the proxy when one applies) into memory: refused beyond `maxBytes` (by
 * Content-Length, or as the bytes arrive) and after `timeoutMs` in all. Rejects with a DownloadError whose
 * message may contain the URL: callers redact it.
 */
export function download(url: string, opts: { maxBytes: number; timeoutMs: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const agent = agentFor(url);
    const get = url.startsWith("https:") ? httpsGet : httpGet;
    const req = get(url, agent ? { agent } : {}, (res: IncomingMessage) => {
      if ((res.statusCode ?? 0) >= 400) {
        res.resume();
        return fail(`HTTP ${res.statusCode}`);
      }
      if (Number(res.headers["content-length"] ?? 0) > opts.maxBytes) return fail(`larger than ${opts.maxBytes} bytes`);
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > opts.maxBytes) return fail(`larger than ${opts.maxBytes} bytes`);
        chunks.push(chunk);
      });
      res.on("end", () => {
        clearTimeout(timer);
        resolve(Buffer.concat(chunks, size));
      });
      res.on("error", (e) => fail(e.message));
    });
    const timer = setTimeout(() => fail(`no complete answer within ${opts.timeoutMs} ms`), opts.timeoutMs);
    function fail(reason: string): void {
      clearTimeout(timer);
      req.destroy();
      reject(new DownloadError(reason));
    }
    req.on("error", (e) => fail(e.message));
  });
}
