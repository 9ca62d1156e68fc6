import type { IncomingMessage, ServerResponse } from "node:http";
import type { Core } from "../../core/index.js";
import { plainIncoming, type ReceivedFile } from "../../conversation/incoming.js";
import type { WebApp } from "./app.js";
import { entryView, type WebEntry } from "./transcript.js";

/** The most a request body may hold: a typed line is small; a file follows core's attachment limit. */
const MAX_JSON_BYTES = 64 * 1024;
export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;

/** Thrown for a request the API refuses: its status and a short reason. */
export class HttpRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** The body of a request, at most `max` bytes. */
export async function readBody(req: IncomingMessage, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > max) throw new HttpRefusal(413, "too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  try {
    const value: unknown = JSON.parse((await readBody(req, MAX_JSON_BYTES)).toString("utf8"));
    if (value && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch (e) {
    if (e instanceof HttpRefusal) throw e;
  }
  throw new HttpRefusal(400, "expected a JSON object");
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

export interface WebHttpDeps {
  app: () => WebApp;
  core: () => Core;
  /** Whether a chat belongs to someone the page may speak as (the demo's people). */
  knows(chatId: string): boolean;
  /** Open event streams, so a reset or a stop can end them (the page reconnects). */
  streams: Set<ServerResponse>;
}

/**
 * The web app's HTTP interface, under /api/chats/<chat>/…:
 * - GET  events: Server-Sent Events: "history" (the chat so far), then "entry" for each new or changed message;
 * - POST messages {text}: a typed line;
 * - POST files?name=&caption=: a file, its bytes as the body;
 * - POST press {entry, row, column}: a button pressed;
 * and GET /api/files/<entry>?chat=<chat>: a file the bot sent in that chat.
 * Returns false for a path that is not its own.
 */
export function createWebHttp(deps: WebHttpDeps) {
  let uploads = 0;
  return async function handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const file = /^\/api\/files\/([a-z0-9]+)$/.exec(url.pathname);
    if (file && req.method === "GET") {
      await serveFile(res, file[1]!, url.searchParams.get("chat") ?? "");
      return true;
    }
    const m = /^\/api\/chats\/([a-z0-9-]+)\/(events|messages|files|press)$/.exec(url.pathname);
    if (!m) return false;
    const chatId = m[1]!;
    if (!deps.knows(chatId)) throw new HttpRefusal(404, "no such chat");
    const app = deps.app();
    switch (`${req.method} ${m[2]}`) {
      case "GET events": {
        res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
        // Reconnect soon after the bot restarts.
        res.write(`retry: 1000\n\n`);
        res.write(`event: history\ndata: ${JSON.stringify(app.transcript.list(chatId).map(entryView))}\n\n`);
        const stop = app.transcript.listen(chatId, (e: WebEntry) => res.write(`event: entry\ndata: ${JSON.stringify(entryView(e))}\n\n`));
        deps.streams.add(res);
        res.on("close", () => {
          stop();
          deps.streams.delete(res);
        });
        return true;
      }
      case "POST messages": {
        const body = await readJson(req);
        const text = typeof body.text === "string" ? body.text.slice(0, 8000) : "";
        if (!text.trim()) throw new HttpRefusal(400, "empty message");
        await app.receive(chatId, plainIncoming(text), text);
        sendJson(res, 200, { ok: true });
        return true;
      }
      case "POST files": {
        const bytes = await readBody(req, MAX_UPLOAD_BYTES);
        const name = (url.searchParams.get("name") ?? "").replace(/[\\/\0]/g, "_").slice(0, 200) || "file";
        const caption = (url.searchParams.get("caption") ?? "").slice(0, 4000);
        const mimeType = req.headers["content-type"]?.split(";")[0]?.trim() || null;
        const received: ReceivedFile = {
          file: { channel: "web", fileId: `upload-${Date.now().toString(36)}-${++uploads}`, fileName: name, mimeType, fileSize: bytes.byteLength },
          kind: /^image\/(jpeg|png)$/.test(mimeType ?? "") ? "photo" : "document",
          download: async (maxBytes) => {
            if (bytes.byteLength > maxBytes) throw new HttpRefusal(413, "too large");
            return bytes;
          },
        };
        await app.receive(chatId, plainIncoming(caption, received), `📎 ${name}${caption ? ` — ${caption}` : ""}`);
        sendJson(res, 200, { ok: true });
        return true;
      }
      case "POST press": {
        const body = await readJson(req);
        const { entry, row, column } = body;
        if (typeof entry !== "string" || !Number.isInteger(row) || !Number.isInteger(column)) throw new HttpRefusal(400, "expected {entry, row, column}");
        await app.press(chatId, entry, row as number, column as number);
        sendJson(res, 200, { ok: true });
        return true;
      }
      default:
        throw new HttpRefusal(405, "method not allowed");
    }
  };

  async function serveFile(res: ServerResponse, entryId: string, chatId: string): Promise<void> {
    const e = deps.app().transcript.get(entryId);
    // A file is served only with the chat it was sent in.
    if (!e?.file || e.chatId !== chatId) throw new HttpRefusal(404, "no such file");
    let bytes: Buffer | undefined;
    let mimeType = e.file.mimeType;
    const source = e.file.source;
    if ("blob" in source) bytes = deps.app().transcript.readBytes(source.blob);
    else {
      const a = await deps.core().files.attachment(source.attachmentId);
      const stored = a?.stored_file_id != null ? await deps.core().files.content(a.stored_file_id) : undefined;
      if (stored) {
        bytes = stored.bytes;
        mimeType ??= stored.mimeType;
      }
    }
    if (!bytes) throw new HttpRefusal(404, "file gone");
    const type = mimeType ?? (/\.png$/i.test(e.file.name) ? "image/png" : "application/octet-stream");
    res.writeHead(200, {
      "content-type": type,
      "content-length": bytes.byteLength,
      // Pictures are shown in the page; anything else is downloaded under its name, never rendered here.
      "content-disposition": `${e.file.photo && /^image\/(png|jpeg)$/.test(type) ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(e.file.name)}`,
      "x-content-type-options": "nosniff",
      "cache-control": "private, max-age=3600",
    });
    res.end(bytes);
  }
}
