import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { isHealthRequest, type HealthRequestHandler } from "../health.js";
import type { Logger } from "../logger.js";
import type { StoredFileContent } from "./files.js";
import { LINK_PATH, type FileLinks } from "./links.js";

/** Answers one request for `/files/<id>?exp=…&sig=…`; never rejects. */
export type FileRequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

/** Whether a request is for a file link (and so for the handler below). */
export const isFileRequest = (req: IncomingMessage): boolean => (req.url ?? "").startsWith(LINK_PATH);

/** Types served as they are; anything else (whatever a sender's app claimed) goes out as bytes to save. */
const SAFE_TYPES = new Set([
  "image/jpeg",
  "image/png",
  "application/pdf",
  "application/zip",
  "application/x-zip-compressed",
  "application/vnd.rar",
  "application/x-rar-compressed",
  "application/rtf",
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
  "text/plain",
]);
/** Shown in the browser (or fetched as a picture) rather than saved. */
const INLINE_TYPES = new Set(["image/jpeg", "image/png", "application/pdf"]);

export function contentTypeOf(mimeType: string | null): string {
  const type = (mimeType ?? "").split(";")[0]!.trim().toLowerCase();
  if (!SAFE_TYPES.has(type)) return "application/octet-stream";
  return type === "text/plain" ? "text/plain; charset=utf-8" : type;
}

/**
 * Content-Disposition with the file's name: an ASCII `filename` for old clients (Vietnamese letters
 * without their marks) and the exact name as RFC 5987 `filename*` (UTF-8, percent-encoded).
 */
export function contentDisposition(name: string, inline: boolean): string {
  const ascii =
    name
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .replace(/đ/g, "d")
      .replace(/Đ/g, "D")
      .replace(/[^A-Za-z0-9._ -]+/g, "_")
      .trim() || "file";
  const encoded = encodeURIComponent(name.normalize("NFC")).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${inline ? "inline" : "attachment"}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

/**
 * Serves stored files to whoever holds a signed link: GET or HEAD `/files/<id>?exp=<unix>&sig=<hmac>`.
 * 403 for a missing, wrong or expired signature (checked in constant time, before the database is asked),
 * 404 for a file that does not exist (any more), 405 for another method. The bytes go out with their
 * length, a type from a fixed list (else application/octet-stream), the name, and headers that stop a
 * browser from running anything in them.
 */
export function createFileRequestHandler(deps: { links: FileLinks; content: (id: number) => Promise<StoredFileContent | undefined>; logger: Logger }): FileRequestHandler {
  const log = deps.logger.child({ component: "files" });
  const answer = (res: ServerResponse, status: number, text: string) =>
    void res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": Buffer.byteLength(text), "Cache-Control": "no-store" }).end(text);

  return async (req, res) => {
    try {
      if (req.method !== "GET" && req.method !== "HEAD") {
        res.setHeader("Allow", "GET, HEAD");
        return answer(res, 405, "method not allowed");
      }
      const url = new URL(req.url ?? "/", "http://localhost");
      const id = url.pathname.startsWith(LINK_PATH) ? url.pathname.slice(LINK_PATH.length) : "";
      if (!/^\d+$/.test(id)) return answer(res, 404, "not found");
      const verdict = deps.links.check(id, url.searchParams.get("exp"), url.searchParams.get("sig"));
      if (verdict !== "ok") {
        log.info({ fileId: id, verdict, remoteAddress: req.socket.remoteAddress }, "file link refused");
        return answer(res, 403, verdict === "expired" ? "link expired" : "forbidden");
      }
      const file = await deps.content(Number(id));
      if (!file) return answer(res, 404, "not found");
      const type = contentTypeOf(file.mimeType);
      res.writeHead(200, {
        "Content-Type": type,
        "Content-Length": file.bytes.length,
        "Content-Disposition": contentDisposition(file.name, INLINE_TYPES.has(type)),
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'; sandbox",
        "Cache-Control": "private, max-age=300",
        ETag: `"${file.sha256}"`,
      });
      res.end(req.method === "HEAD" ? undefined : file.bytes);
    } catch (e) {
      log.error({ err: e }, "file request failed");
      if (!res.headersSent && !res.destroyed) answer(res, 500, "error");
      else res.destroy();
    }
  };
}

/**
 * In polling mode nothing else listens for HTTP: a small server for file links only (and `/healthz`), on
 * the address the webhook server would use.
 */
export async function startFileServer(opts: {
  host: string;
  port: number;
  handler: FileRequestHandler;
  healthz: HealthRequestHandler;
  logger: Logger;
}): Promise<{ stop(): Promise<void> }> {
  const server: Server = createServer({ headersTimeout: 10_000, requestTimeout: 60_000, keepAliveTimeout: 65_000 }, (req, res) => {
    if (isFileRequest(req)) return void opts.handler(req, res);
    if (isHealthRequest(req)) return opts.healthz(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, opts.host, () => {
      server.off("error", reject).on("error", (e) => opts.logger.error({ err: e }, "file server error"));
      resolve();
    });
  });
  opts.logger.info({ host: opts.host, port: opts.port }, "file links served over HTTP");
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
