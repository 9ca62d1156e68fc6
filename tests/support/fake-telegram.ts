/**
 * A fake Telegram Bot API server for end-to-end tests and benchmarks.
 *
 * It speaks real HTTP on 127.0.0.1 (random port), so the REAL grammY bot runs
 * unmodified against it: point `client.apiRoot` at {@link FakeTelegram.apiRoot}
 * and use {@link FakeTelegram.token}. It mimics the parts of the Bot API that a
 * grammY bot uses — long polling with offset confirmation, sending/editing
 * messages with Telegram's validation (length limits, HTML parse errors,
 * callback_data byte limit, the 200-character answerCallbackQuery text, "message
 * is not modified"), file upload/download,
 * commands, webhooks — and lets tests script users, faults and flood limits.
 *
 * ```ts
 * const tg = await FakeTelegram.start();
 * const bot = new Bot(tg.token, { client: { apiRoot: tg.apiRoot } });
 * void bot.start();
 * tg.sendText({ id: 42 }, "/start");
 * const reply = await tg.nextReply(42, 0);
 * await bot.stop(); await tg.stop();
 * ```
 *
 * Time: everything the fake measures (rate-limit windows, `retry_after`,
 * `getUpdates` timeouts, {@link FakeTelegram.hangNext}) runs on a scaled clock
 * ({@link FakeClock}); with `timeScale: 10` one fake second lasts 100 ms real.
 * Timeouts of the test helpers (`waitFor`, …) are real milliseconds.
 *
 * Only Node built-ins are used.
 */
import { Buffer } from "node:buffer";
import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import type {
  BotCommand,
  BotCommandScope,
  Chat,
  Document,
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  MessageEntity,
  PhotoSize,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  Update,
  User,
  UserFromGetMe,
} from "grammy/types";

// ─── Public types ────────────────────────────────────────────────────────────

/** Default token: fake-looking on purpose (the repo scans for real-token shapes). */
export const FAKE_TELEGRAM_TOKEN = "123456:TEST-TOKEN-not-a-real-one";

/** Flood-limit emulation; off unless passed to {@link FakeTelegram.start}. */
export interface RateLimitOptions {
  /** Max accepted sends across all chats in any sliding (fake) second. */
  globalPerSecond?: number;
  /** Max accepted sends to one chat in any sliding (fake) second. */
  perChatPerSecond?: number;
  /** `retry_after` put in refusals, in (fake) seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Methods that count as sends. Default sendMessage, sendDocument, sendPhoto, editMessageText. */
  methods?: string[];
}

/** Options of {@link FakeTelegram.start}. */
export interface FakeTelegramOptions {
  /** Token the bot must use; default {@link FAKE_TELEGRAM_TOKEN}. */
  token?: string;
  /** getMe username; default "bcd_test_bot". */
  botUsername?: string;
  /** getMe first_name; default "BCD Test Bot". */
  botFirstName?: string;
  /** Speed-up of the fake clock: 10 → one fake second lasts 100 real ms. Default 1. */
  timeScale?: number;
  /** Enable 429 flood limits (see {@link RateLimitOptions}). */
  rateLimit?: RateLimitOptions;
  /**
   * When true, sending to a chat the fake has never seen (no injected update, no
   * {@link FakeTelegram.addChat}) answers 400 "chat not found" like Telegram.
   * Default false: unknown numeric ids are accepted (positive → private chat,
   * -100… → supergroup, other negative → group).
   */
  strictChats?: boolean;
  /** update_id of the first injected update. Default 100000. */
  firstUpdateId?: number;
}

/** A simulated human user. In a private chat the chat id equals the user id. */
export interface FakeUser {
  id: number;
  first_name?: string;
  last_name?: string;
  username?: string;
  language_code?: string;
}

/** An error the fake should answer with (used by the fault-scripting methods). */
export interface FakeErrorSpec {
  error_code: number;
  description: string;
  /** For 429: becomes `parameters.retry_after` (seconds). */
  retry_after?: number;
  /** Becomes `parameters.migrate_to_chat_id`. */
  migrate_to_chat_id?: number;
}

/** One logged API request. */
export interface CallRecord {
  /** Canonical method name (e.g. "sendMessage"), or as requested if unknown. */
  method: string;
  /** Parsed parameters (JSON-valued form fields parsed; uploads summarised as {file, filename, size}). */
  payload: Record<string, unknown>;
  /** Arrival time on the fake clock (ms). */
  at: number;
  /** Arrival time, real `performance.now()` ms. */
  realAt: number;
  /** HTTP status answered; 0 while still pending, 499 if the client went away first. */
  status: number;
  /** Error description when the call failed. */
  description?: string;
}

/** Any reply markup the bot may send. */
export type AnyReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;

/**
 * A message in a chat as the fake stores it. Objects are live: edits update
 * them in place, deletion sets `deleted`.
 */
export interface FakeMessage {
  message_id: number;
  chat: Chat;
  from: User;
  /** True for messages the bot sent, false for injected user messages. */
  fromBot: boolean;
  /** Seconds since epoch, like Telegram. */
  date: number;
  edit_date?: number;
  /** Text as Telegram stores it: HTML tags parsed away, trimmed. */
  text?: string;
  entities?: MessageEntity[];
  caption?: string;
  caption_entities?: MessageEntity[];
  /** Text/caption exactly as the bot sent it (before parse_mode processing). */
  raw?: string;
  parse_mode?: string;
  /** Markup as sent (any kind); Telegram only echoes inline keyboards in Message objects. */
  reply_markup?: AnyReplyMarkup;
  document?: Document;
  photo?: PhotoSize[];
  reply_to_message_id?: number;
  /** Number of successful edits (text, caption or markup). */
  edits: number;
  deleted: boolean;
  /** API method that created it ("sendMessage", …, or "user"). */
  method: string;
  /** Delivery time on the fake clock (ms) and in real ms. */
  sentAt: number;
  sentAtReal: number;
}

/** One accepted send/edit (for throughput statistics). */
export interface DeliveryRecord {
  method: string;
  chatId: string;
  message_id: number;
  /** Fake-clock ms. */
  at: number;
  /** Real ms (`performance.now()`). */
  realAt: number;
}

/** Counters of rate-limited methods (see {@link RateLimitOptions.methods}). */
export interface FakeStats {
  acceptedSends: number;
  rejected429: number;
  byChat: Record<string, { accepted: number; rejected429: number }>;
}

/** A setMyCommands entry. */
export interface CommandsEntry {
  scope: BotCommandScope;
  language_code: string;
  commands: BotCommand[];
}

/** Webhook state (setWebhook/deleteWebhook). The fake never POSTs to it. */
export interface WebhookState {
  url: string;
  secret_token?: string;
  max_connections?: number;
  allowed_updates?: string[];
}

/** A file stored by the fake (uploaded by the bot or sent by a user). */
export interface StoredFile {
  file_id: string;
  file_unique_id: string;
  content: Buffer;
  file_name?: string;
  mime_type?: string;
  file_path?: string;
  kind: "document" | "photo";
}

/** Throw from an {@link FakeTelegram.onMethod} handler to answer an API error. */
export class TelegramApiError extends Error {
  constructor(
    readonly error_code: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number; migrate_to_chat_id?: number },
  ) {
    super(description);
    this.name = "TelegramApiError";
  }
}

/** Handler for a custom or overridden method: return the `result`, or throw {@link TelegramApiError}. */
export type MethodHandler = (payload: Record<string, unknown>, files: Record<string, UploadedFile>) => unknown;

/** A file part of a multipart request. */
export interface UploadedFile {
  filename: string;
  contentType: string;
  content: Buffer;
}

// ─── Scaled clock ────────────────────────────────────────────────────────────

const MAX_TIMER_MS = 2_147_483_647;

/**
 * Scaled time shared by the fake and its callers, so a benchmark can run "an
 * hour of traffic" quickly: `now()` is fake milliseconds since the clock was
 * created, advancing `timeScale` times faster than real time. Callers scale
 * their own timers with {@link toRealMs} / {@link sleep}.
 */
export class FakeClock {
  private readonly origin = performance.now();
  constructor(readonly timeScale = 1) {
    if (!(timeScale > 0)) throw new Error(`timeScale must be > 0, got ${timeScale}`);
  }
  /** Fake ms since creation. */
  now(): number {
    return (performance.now() - this.origin) * this.timeScale;
  }
  /** Real ms that `fakeMs` fake ms last. */
  toRealMs(fakeMs: number): number {
    return fakeMs / this.timeScale;
  }
  /** Fake ms that `realMs` real ms represent. */
  toFakeMs(realMs: number): number {
    return realMs * this.timeScale;
  }
  /** Sleep `fakeMs` of fake time (Infinity → until `signal` aborts). Resolves early, without error, on abort. */
  sleep(fakeMs: number, signal?: AbortSignal): Promise<void> {
    return sleepReal(this.toRealMs(fakeMs), signal);
  }
}

function sleepReal(realMs: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    if (Number.isFinite(realMs) && realMs < MAX_TIMER_MS) timer = setTimeout(done, Math.max(0, realMs));
    signal?.addEventListener("abort", done, { once: true });
  });
}

// ─── Constants of the emulated API ───────────────────────────────────────────

const MAX_TEXT = 4096;
const MAX_CAPTION = 1024;
const MAX_CALLBACK_DATA_BYTES = 64;
/** Telegram's limit on the text of answerCallbackQuery (a notification or an alert). */
const MAX_CALLBACK_ANSWER = 200;
const MAX_DOWNLOAD = 20 * 1024 * 1024;
const DEFAULT_RATE_METHODS = ["sendMessage", "sendDocument", "sendPhoto", "editMessageText"];
/** Update types Telegram leaves out when allowed_updates is [] / never set. */
const NOT_DEFAULT_UPDATES = new Set(["chat_member", "message_reaction", "message_reaction_count"]);
const CHAT_ACTIONS = new Set([
  "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
  "upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note",
]);
const JSON_FIELDS = new Set([
  "reply_markup", "entities", "caption_entities", "commands", "scope", "allowed_updates",
  "link_preview_options", "reply_parameters", "media", "results", "menu_button", "options", "message_ids",
]);
const BUTTON_ACTION_FIELDS = [
  "url", "callback_data", "web_app", "login_url", "switch_inline_query", "switch_inline_query_current_chat",
  "switch_inline_query_chosen_chat", "copy_text", "callback_game", "pay", "disabled",
];
const MIME_BY_EXT: Record<string, string> = {
  pdf: "application/pdf", csv: "text/csv", txt: "text/plain", json: "application/json", zip: "application/zip",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  xls: "application/vnd.ms-excel",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  doc: "application/msword", html: "text/html", md: "text/markdown", xml: "application/xml",
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp",
};
const NOT_MODIFIED =
  "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message";

// ─── Internal helpers ────────────────────────────────────────────────────────

interface PendingPoll {
  limit: number;
  resolve: (updates: Update[] | TelegramApiError) => void;
}

interface QueuedUpdate {
  update: Update;
  /** Re-delivery injected by injectDuplicate: delivered regardless of offset. */
  forced: boolean;
  delivered: boolean;
}

interface HangSpec {
  ms: number;
  deliverFirst: boolean;
}

function bad(description: string): TelegramApiError {
  return new TelegramApiError(400, `Bad Request: ${description}`);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function asInt(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return Math.trunc(v);
  if (typeof v === "string" && /^-?\d+$/.test(v.trim())) return Number(v.trim());
  return undefined;
}

function asBool(v: unknown): boolean {
  return v === true || v === "true" || v === "1" || v === 1;
}

function lc(method: string): string {
  return method.toLowerCase();
}

/** Canonical key of a chat id (number, numeric string, or @username). */
function chatKeyOf(v: unknown): string | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return String(Math.trunc(v));
  if (typeof v === "string") {
    const s = v.trim();
    if (/^-?\d+$/.test(s)) return String(Number(s));
    if (/^@\w+$/.test(s)) return s.toLowerCase();
  }
  return undefined;
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function randomId(prefix: string, bytes: number): string {
  return prefix + randomBytes(bytes).toString("base64url");
}

/** Deterministic JSON (sorted keys) for "is it modified?" comparisons. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, val: unknown) => {
    if (isObject(val)) {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(val).sort()) if (val[key] !== undefined && val[key] !== null) out[key] = val[key];
      return out;
    }
    return val;
  });
}

function updateType(u: Update): string {
  return Object.keys(u).find((k) => k !== "update_id") ?? "unknown";
}

function imageSize(buf: Buffer): { width: number; height: number } | undefined {
  if (buf.length >= 24 && buf.readUInt32BE(0) === 0x89504e47) return { width: buf.readUInt32BE(16), height: buf.readUInt32BE(20) };
  if (buf.length >= 10 && buf.toString("latin1", 0, 4) === "GIF8") return { width: buf.readUInt16LE(6), height: buf.readUInt16LE(8) };
  if (buf.length >= 26 && buf.toString("latin1", 0, 2) === "BM") return { width: buf.readInt32LE(18), height: Math.abs(buf.readInt32LE(22)) };
  if (buf.length >= 4 && buf[0] === 0xff && buf[1] === 0xd8) {
    let i = 2;
    while (i + 9 < buf.length && buf[i] === 0xff) {
      const marker = buf[i + 1] ?? 0;
      const len = buf.readUInt16BE(i + 2);
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
        return { width: buf.readUInt16BE(i + 7), height: buf.readUInt16BE(i + 5) };
      }
      i += 2 + len;
    }
    return { width: 800, height: 600 };
  }
  if (buf.length >= 12 && buf.toString("latin1", 0, 4) === "RIFF" && buf.toString("latin1", 8, 12) === "WEBP") return { width: 512, height: 512 };
  return undefined;
}

// ─── Telegram HTML (parse_mode "HTML") ───────────────────────────────────────

const HTML_TAGS = new Set([
  "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins", "tg-spoiler", "tg-emoji", "span",
  "pre", "code", "blockquote",
]);

function decodeEntityAt(src: string, i: number): { ch: string; end: number } | undefined {
  let j = i + 1;
  if (src[j] === "#") {
    j++;
    let hex = false;
    if (src[j] === "x" || src[j] === "X") {
      hex = true;
      j++;
    }
    const start = j;
    while (j < src.length && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(src[j] ?? "")) j++;
    if (j === start || src[j] !== ";") return undefined;
    const code = parseInt(src.slice(start, j), hex ? 16 : 10);
    if (!(code > 0 && code <= 0x10ffff) || (code >= 0xd800 && code <= 0xdfff)) return undefined;
    return { ch: String.fromCodePoint(code), end: j + 1 };
  }
  const start = j;
  while (j < src.length && /[a-zA-Z]/.test(src[j] ?? "")) j++;
  if (src[j] !== ";") return undefined;
  const named: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };
  const ch = named[src.slice(start, j)];
  return ch === undefined ? undefined : { ch, end: j + 1 };
}

/**
 * Parses Telegram's HTML subset the way tdlib does (same error texts), returning
 * the plain text and entities (UTF-16 offsets).
 */
export function parseTelegramHtml(src: string): { text: string; entities: MessageEntity[] } {
  const at = (i: number): string => (i < src.length ? (src[i] as string) : "\0");
  const isSpace = (c: string) => c === " " || c === "\t" || c === "\r" || c === "\n" || c === "\0" || c === "\v" || c === "\f";
  const byteOffset = (i: number) => Buffer.byteLength(src.slice(0, i), "utf8");
  const fail = (msg: string) => bad(`can't parse entities: ${msg}`);
  let out = "";
  const stack: { tag: string; arg: string; offset: number }[] = [];
  const entities: MessageEntity[] = [];

  for (let i = 0; i < src.length; i++) {
    const c = src[i] as string;
    if (c === "&") {
      const dec = decodeEntityAt(src, i);
      if (dec) {
        out += dec.ch;
        i = dec.end - 1;
        continue;
      }
    }
    if (c !== "<") {
      out += c;
      continue;
    }
    const begin = i;
    i++;
    if (at(i) !== "/") {
      while (!isSpace(at(i)) && at(i) !== ">") i++;
      if (i >= src.length) throw fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
      const tag = src.slice(begin + 1, i).toLowerCase();
      if (!HTML_TAGS.has(tag)) throw fail(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`);
      let arg = "";
      while (at(i) !== ">") {
        while (i < src.length && isSpace(at(i))) i++;
        if (i >= src.length) throw fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
        if (at(i) === ">") break;
        const attrBegin = i;
        while (!isSpace(at(i)) && at(i) !== "=" && at(i) !== ">") i++;
        const attr = src.slice(attrBegin, i).toLowerCase();
        if (attr === "") throw fail(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        while (i < src.length && isSpace(at(i))) i++;
        if (at(i) !== "=") {
          if (tag === "blockquote" && attr === "expandable") {
            arg = "expandable";
            continue;
          }
          if (i >= src.length) throw fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
          throw fail(`Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        }
        i++;
        while (i < src.length && isSpace(at(i))) i++;
        if (i >= src.length) throw fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
        let value = "";
        const q = at(i);
        if (q !== '"' && q !== "'") {
          const tokenBegin = i;
          while (/[A-Za-z0-9.-]/.test(at(i))) i++;
          value = src.slice(tokenBegin, i).toLowerCase();
          if (!isSpace(at(i)) && at(i) !== ">") throw fail(`Unexpected end of name token at byte offset ${byteOffset(tokenBegin)}`);
        } else {
          i++;
          while (i < src.length && at(i) !== q) {
            const dec = at(i) === "&" ? decodeEntityAt(src, i) : undefined;
            if (dec) {
              value += dec.ch;
              i = dec.end;
            } else {
              value += at(i);
              i++;
            }
          }
          if (i >= src.length) throw fail(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
          i++;
        }
        if (tag === "a" && attr === "href") arg = value;
        else if (tag === "code" && attr === "class" && value.startsWith("language-")) arg = value.slice("language-".length);
        else if (tag === "span" && attr === "class" && value.startsWith("tg-")) arg = value.slice(3);
        else if (tag === "tg-emoji" && attr === "emoji-id") arg = value;
        else if (tag === "blockquote" && attr === "expandable") arg = "expandable";
      }
      if (tag === "span" && arg !== "spoiler") {
        throw fail(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
      }
      stack.push({ tag, arg, offset: out.length });
    } else {
      const open = stack.pop();
      if (!open) throw fail(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
      while (!isSpace(at(i)) && at(i) !== ">") i++;
      const endTag = src.slice(begin + 2, i).toLowerCase();
      while (i < src.length && isSpace(at(i))) i++;
      if (at(i) !== ">") throw fail(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
      if (endTag !== "" && endTag !== open.tag) {
        throw fail(`Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${open.tag}>", found "</${endTag}>"`);
      }
      const length = out.length - open.offset;
      if (length <= 0) continue;
      const base = { offset: open.offset, length };
      switch (open.tag) {
        case "b": case "strong": entities.push({ type: "bold", ...base }); break;
        case "i": case "em": entities.push({ type: "italic", ...base }); break;
        case "u": case "ins": entities.push({ type: "underline", ...base }); break;
        case "s": case "strike": case "del": entities.push({ type: "strikethrough", ...base }); break;
        case "tg-spoiler": case "span": entities.push({ type: "spoiler", ...base }); break;
        case "tg-emoji": entities.push({ type: "custom_emoji", ...base, custom_emoji_id: open.arg }); break;
        case "code": entities.push({ type: "code", ...base, ...(open.arg ? { language: open.arg } : {}) } as MessageEntity); break;
        case "blockquote": entities.push({ type: open.arg === "expandable" ? "expandable_blockquote" : "blockquote", ...base }); break;
        case "a": entities.push({ type: "text_link", ...base, url: open.arg || out.slice(open.offset) }); break;
        case "pre": {
          const last = entities[entities.length - 1] as (MessageEntity & { language?: string }) | undefined;
          let language: string | undefined;
          if (last && last.type === "code" && last.offset === open.offset && last.length === length) {
            entities.pop();
            language = last.language;
          }
          entities.push({ type: "pre", ...base, ...(language ? { language } : {}) });
          break;
        }
      }
    }
  }
  const open = stack[stack.length - 1];
  if (open) throw fail(`Can't find end tag corresponding to start tag "${open.tag}"`);
  // a language on <code> only matters inside <pre>; Telegram's code entities carry none
  const cleaned = entities.map((e) => (e.type === "code" ? { type: e.type, offset: e.offset, length: e.length } : e));
  cleaned.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities: cleaned };
}

/** Strips leading/trailing whitespace like Telegram, shifting/clipping entities. */
function trimWithEntities(text: string, entities: MessageEntity[]): { text: string; entities: MessageEntity[] } {
  const lead = text.length - text.trimStart().length;
  const trimmed = text.trim();
  const out: MessageEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(trimmed.length, e.offset + e.length - lead);
    if (end > start) out.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: out };
}

/** bot_command entities like Telegram's client-side detection ("/cmd" or "/cmd@bot" at a word start). */
function commandEntities(text: string): MessageEntity[] {
  const out: MessageEntity[] = [];
  const re = /(^|[\s(])(\/[a-zA-Z0-9_]{1,64}(?:@[a-zA-Z0-9_]{3,32})?)(?![a-zA-Z0-9_@/])/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const prefix = m[1] ?? "";
    const cmd = m[2] ?? "";
    out.push({ type: "bot_command", offset: m.index + prefix.length, length: cmd.length });
  }
  return out;
}

// ─── Multipart parsing (grammY writes unquoted filenames, so parse by hand) ──

function parseMultipart(body: Buffer, contentType: string): { fields: Record<string, string>; files: Record<string, UploadedFile> } {
  const fields: Record<string, string> = {};
  const files: Record<string, UploadedFile> = {};
  const bm = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = bm?.[1] ?? bm?.[2];
  if (!boundary) throw bad("can't parse multipart/form-data request: no boundary");
  const delimiter = Buffer.from(`--${boundary}`);
  const between = Buffer.from(`\r\n--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break;
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(between, start);
    if (next === -1) break;
    const part = body.subarray(start, next);
    const headerEnd = part.indexOf("\r\n\r\n");
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString("utf8").split("\r\n");
      const content = part.subarray(headerEnd + 4);
      let disposition = "";
      let type = "application/octet-stream";
      for (const h of headers) {
        const colon = h.indexOf(":");
        const name = h.slice(0, colon).trim().toLowerCase();
        const value = h.slice(colon + 1).trim();
        if (name === "content-disposition") disposition = value;
        else if (name === "content-type") type = value;
      }
      const nm = /(?:^|;)\s*name=(?:"([^"]*)"|([^;]*))/i.exec(disposition);
      const name = nm?.[1] ?? nm?.[2]?.trim();
      const fm = /(?:^|;)\s*filename=(?:"((?:[^"\\]|\\.)*)"|(.*))$/i.exec(disposition);
      if (name !== undefined) {
        if (fm) files[name] = { filename: (fm[1] ?? fm[2] ?? "").trim(), contentType: type, content: Buffer.from(content) };
        else fields[name] = content.toString("utf8");
      }
    }
    pos = next + 2;
  }
  return { fields, files };
}

// ─── The fake ────────────────────────────────────────────────────────────────

/**
 * The fake Bot API server plus test controls. Create with {@link FakeTelegram.start},
 * always {@link FakeTelegram.stop} it (e.g. in `afterEach`).
 */
export class FakeTelegram {
  /** e.g. "http://127.0.0.1:40123" — pass as grammY `client.apiRoot`. */
  readonly apiRoot: string;
  /** Token the bot must use (wrong token → 401). */
  readonly token: string;
  /** What getMe returns; also usable as grammY's `botInfo` option to skip getMe. */
  readonly botInfo: UserFromGetMe;
  /** The scaled clock used for rate limits, retry_after, timeouts and hangs. */
  readonly clock: FakeClock;
  /** Every answerCallbackQuery payload, in order. */
  readonly answeredCallbacks: Record<string, unknown>[] = [];
  /** Every accepted send/edit of a rate-limited method, with fake and real timestamps. */
  readonly deliveries: DeliveryRecord[] = [];

  private readonly server: http.Server;
  private readonly opts: FakeTelegramOptions;
  private readonly stopController = new AbortController();
  private stopped = false;
  private readonly callLog: CallRecord[] = [];
  private readonly chats = new Map<string, Chat>();
  private readonly messages = new Map<string, Map<number, FakeMessage>>();
  private readonly lastMessageId = new Map<string, number>();
  private readonly files = new Map<string, StoredFile>();
  private readonly filePaths = new Map<string, string>();
  private fileCounter = 0;
  private queue: QueuedUpdate[] = [];
  private nextUpdateId: number;
  private poll: PendingPoll | undefined;
  private wakeScheduled = false;
  private allowedUpdates: string[] = [];
  private webhookState: WebhookState = { url: "" };
  private readonly commandStore = new Map<string, CommandsEntry>();
  private readonly botSettings = new Map<string, unknown>();
  private readonly openCallbacks = new Set<string>();
  private callbackCounter = 0;
  private readonly failQueue = new Map<string, FakeErrorSpec[]>();
  private readonly failAlways = new Map<string, FakeErrorSpec>();
  private readonly hangs = new Map<string, HangSpec[]>();
  private readonly blocked = new Set<string>();
  private readonly customMethods = new Map<string, { name: string; fn: MethodHandler }>();
  private readonly globalWindow: number[] = [];
  private readonly chatWindows = new Map<string, number[]>();
  private statsData: FakeStats = { acceptedSends: 0, rejected429: 0, byChat: {} };
  private readonly rateMethods: Set<string>;

  private constructor(server: http.Server, port: number, opts: FakeTelegramOptions) {
    this.server = server;
    this.opts = opts;
    this.apiRoot = `http://127.0.0.1:${port}`;
    this.token = opts.token ?? FAKE_TELEGRAM_TOKEN;
    this.clock = new FakeClock(opts.timeScale ?? 1);
    this.nextUpdateId = opts.firstUpdateId ?? 100_000;
    const id = asInt(this.token.split(":")[0]) ?? 123456;
    this.botInfo = {
      id,
      is_bot: true,
      first_name: opts.botFirstName ?? "BCD Test Bot",
      username: opts.botUsername ?? "bcd_test_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    this.rateMethods = new Set((opts.rateLimit?.methods ?? DEFAULT_RATE_METHODS).map(lc));
  }

  /** Starts a fake server on 127.0.0.1 with a random free port. */
  static async start(opts: FakeTelegramOptions = {}): Promise<FakeTelegram> {
    const server = http.createServer();
    server.keepAliveTimeout = 60_000;
    server.headersTimeout = 0;
    server.requestTimeout = 0;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve());
    });
    const fake = new FakeTelegram(server, (server.address() as AddressInfo).port, opts);
    server.on("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
      fake.handleHttp(req, res).catch((err: unknown) => {
        if (!res.headersSent) {
          res.writeHead(500, { "content-type": "application/json" });
          res.end(JSON.stringify({ ok: false, error_code: 500, description: `Internal Server Error: ${String(err)}` }));
        }
      });
    });
    return fake;
  }

  /** Closes the server: pending long polls answer [], hung calls are dropped, sockets closed. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopController.abort();
    const poll = this.poll;
    this.poll = undefined;
    poll?.resolve([]);
    // let the [] answer flush before tearing sockets down
    await new Promise((r) => setImmediate(r));
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  /** Current fake-clock time in ms (see {@link FakeClock}). */
  now(): number {
    return this.clock.now();
  }

  // ── Injecting updates ──────────────────────────────────────────────────────

  /** A user sends a text (commands get a bot_command entity). Returns the queued Update. */
  sendText(user: FakeUser, text: string, opts: { chat?: Chat; replyTo?: number; entities?: MessageEntity[] } = {}): Update {
    const chat = this.chatForUser(user, opts.chat);
    const entities = opts.entities ?? commandEntities(text);
    const rec = this.storeUserMessage(user, chat, { text, ...(entities.length ? { entities } : {}) }, opts.replyTo);
    return this.enqueue({ message: this.toMessage(rec) });
  }

  /**
   * A user presses an inline button with `data` on a bot message (id or object
   * with message_id/chat). Throws if that message currently has no such button,
   * unless `force` (e.g. to simulate a stale client).
   */
  pressButton(user: FakeUser, message: number | { message_id: number; chat?: { id: number } }, data: string, opts: { force?: boolean } = {}): Update {
    const messageId = typeof message === "number" ? message : message.message_id;
    const chatId = typeof message === "number" ? user.id : (message.chat?.id ?? user.id);
    const rec = this.messages.get(String(chatId))?.get(messageId);
    if (!rec) throw new Error(`pressButton: no message ${messageId} in chat ${chatId}`);
    if (!opts.force) {
      const datas = FakeTelegram.buttons(rec).map((b) => b.callback_data);
      if (rec.deleted || !datas.includes(data)) {
        throw new Error(
          `pressButton: message ${messageId} in chat ${chatId} has no button with callback_data ${JSON.stringify(data)}` +
            `${rec.deleted ? " (message deleted)" : ""}; buttons: ${JSON.stringify(datas)}. Pass { force: true } to press anyway.`,
        );
      }
    }
    this.unblockOnActivity(rec.chat);
    const id = `${this.botInfo.id}${String(++this.callbackCounter).padStart(7, "0")}`;
    this.openCallbacks.add(id);
    const from = this.userObject(user);
    const chatInstance = BigInt("0x" + createHash("sha1").update(String(chatId)).digest("hex").slice(0, 15)).toString();
    return this.enqueue({
      callback_query: { id, from, message: this.toMessage(rec), chat_instance: chatInstance, data },
    });
  }

  /** A user sends a document; the bot can getFile + download it. */
  sendDocument(user: FakeUser, doc: { fileName: string; mimeType?: string; content: Buffer | string; caption?: string }, opts: { chat?: Chat } = {}): Update {
    const chat = this.chatForUser(user, opts.chat);
    const content = Buffer.isBuffer(doc.content) ? doc.content : Buffer.from(doc.content);
    const file = this.storeFile("document", content, doc.fileName, doc.mimeType ?? this.mimeFor(doc.fileName));
    const document: Document = {
      file_id: file.file_id,
      file_unique_id: file.file_unique_id,
      file_name: doc.fileName,
      mime_type: file.mime_type,
      file_size: content.length,
    };
    const rec = this.storeUserMessage(user, chat, { document, ...(doc.caption !== undefined ? { caption: doc.caption } : {}) });
    return this.enqueue({ message: this.toMessage(rec) });
  }

  /** A user sends a photo (any bytes; dimensions read from PNG/JPEG/GIF headers when present). */
  sendPhoto(user: FakeUser, photo: { content: Buffer | string; caption?: string }, opts: { chat?: Chat } = {}): Update {
    const chat = this.chatForUser(user, opts.chat);
    const content = Buffer.isBuffer(photo.content) ? photo.content : Buffer.from(photo.content);
    const sizes = this.photoSizes(content);
    const rec = this.storeUserMessage(user, chat, { photo: sizes, ...(photo.caption !== undefined ? { caption: photo.caption } : {}) });
    return this.enqueue({ message: this.toMessage(rec) });
  }

  /** Queues any update as-is; update_id is assigned when missing. Chats inside are registered. */
  injectRaw(update: Omit<Update, "update_id"> & { update_id?: number }): Update {
    for (const v of Object.values(update)) {
      const msgs = isObject(v) ? [v, v.message] : [];
      for (const m of msgs) {
        if (!isObject(m) || !isObject(m.chat)) continue;
        const chat = this.registerChat(m.chat as unknown as Chat);
        // keep the chat's message_id sequence ahead of ids the test made up
        const id = asInt(m.message_id);
        const key = String(chat.id);
        if (id !== undefined && id > (this.lastMessageId.get(key) ?? 0)) this.lastMessageId.set(key, id);
      }
    }
    if (update.callback_query) this.openCallbacks.add(update.callback_query.id);
    if (update.update_id !== undefined) {
      const u = update as Update;
      this.nextUpdateId = Math.max(this.nextUpdateId, u.update_id + 1);
      this.queue.push({ update: u, forced: false, delivered: false });
      this.scheduleWake();
      return u;
    }
    return this.enqueue(update);
  }

  /** Re-delivers `update` with the SAME update_id (Telegram may redeliver), even if already confirmed. */
  injectDuplicate(update: Update): Update {
    if (update.callback_query) this.openCallbacks.add(update.callback_query.id);
    this.queue.push({ update, forced: true, delivered: false });
    this.scheduleWake();
    return update;
  }

  /** Makes a chat known (matters with `strictChats`, and for group titles/types). */
  addChat(chat: Chat): void {
    this.registerChat(chat);
  }

  /** Updates queued and not yet confirmed by getUpdates. */
  get pendingUpdates(): Update[] {
    return this.queue.map((q) => q.update);
  }

  // ── Reading state ──────────────────────────────────────────────────────────

  /** Bot messages in a chat, in send order, live (edits applied; deleted ones flagged, not removed). */
  transcript(chatId: number | string): FakeMessage[] {
    return this.history(chatId).filter((m) => m.fromBot);
  }

  /** All messages of a chat (user and bot), in id order. */
  history(chatId: number | string): FakeMessage[] {
    const key = chatKeyOf(chatId);
    const map = key ? this.messages.get(key) : undefined;
    return map ? [...map.values()] : []; // ids are allocated increasingly, so insertion order is id order
  }

  /** Last bot message of a chat (deleted ones skipped), if any. */
  lastMessage(chatId: number | string): FakeMessage | undefined {
    return this.transcript(chatId).filter((m) => !m.deleted).at(-1);
  }

  /** Logged API calls, optionally only one method (case-insensitive). */
  calls(method?: string): CallRecord[] {
    return method ? this.callLog.filter((c) => lc(c.method) === lc(method)) : [...this.callLog];
  }

  /** All setMyCommands entries currently stored (per scope + language_code). */
  get commands(): CommandsEntry[] {
    return [...this.commandStore.values()];
  }

  /** Commands stored for exactly this scope/language (no fallback, like getMyCommands). */
  commandsFor(scope: BotCommandScope = { type: "default" }, languageCode = ""): BotCommand[] {
    return this.commandStore.get(this.scopeKey(scope, languageCode))?.commands ?? [];
  }

  /** Current webhook settings (url "" when none). */
  get webhook(): WebhookState {
    return { ...this.webhookState };
  }

  /** Send statistics of rate-limited methods. */
  get stats(): FakeStats {
    return this.statsData;
  }

  /** Zeroes {@link stats} and {@link deliveries} (e.g. after a benchmark warm-up). */
  resetStats(): void {
    this.statsData = { acceptedSends: 0, rejected429: 0, byChat: {} };
    this.deliveries.length = 0;
  }

  /** Bytes of a file known to the fake (uploaded by the bot or sent by a user). Throws if unknown. */
  documentContent(fileId: string): Buffer {
    const f = this.files.get(fileId);
    if (!f) throw new Error(`documentContent: unknown file_id ${fileId}`);
    return f.content;
  }

  /** Stored file metadata + bytes, if known. */
  file(fileId: string): StoredFile | undefined {
    return this.files.get(fileId);
  }

  /** Flat list of inline buttons currently on a message (callback_data/url surfaced for easy assertions). */
  static buttons(message: { reply_markup?: unknown }): (InlineKeyboardButton & { callback_data?: string; url?: string })[] {
    const rm = message.reply_markup;
    if (!isObject(rm) || !Array.isArray(rm.inline_keyboard)) return [];
    return (rm.inline_keyboard as unknown[]).flatMap((row) => (Array.isArray(row) ? (row as InlineKeyboardButton[]) : []));
  }

  // ── Waiting ────────────────────────────────────────────────────────────────

  /** Polls `fn` every 10 ms until it returns a truthy value; throws (with recent calls) after `timeoutMs` real ms. */
  async waitFor<T>(fn: () => T | undefined | false | null, timeoutMs = 5000, label = "condition"): Promise<T> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const v = fn();
      if (v !== undefined && v !== false && v !== null) return v;
      if (performance.now() >= deadline) {
        const recent = this.callLog
          .slice(-8)
          .map((c) => `  ${c.method} → ${c.status}${c.description ? ` (${c.description})` : ""}`)
          .join("\n");
        throw new Error(`FakeTelegram.waitFor(${label}) timed out after ${timeoutMs} ms. Last API calls:\n${recent || "  (none)"}`);
      }
      await sleepReal(10);
    }
  }

  /** Waits until the chat's transcript has at least `count` bot messages; returns it. */
  waitForMessages(chatId: number | string, count: number, timeoutMs = 5000): Promise<FakeMessage[]> {
    return this.waitFor(
      () => {
        const t = this.transcript(chatId);
        return t.length >= count ? t : undefined;
      },
      timeoutMs,
      `${count} bot message(s) in chat ${chatId}, have ${this.transcript(chatId).length}`,
    );
  }

  /**
   * Waits for bot message number `afterCount` (0-based) in the chat. Default
   * `afterCount` is the transcript length NOW — pass it explicitly if the reply
   * may already have arrived.
   */
  async nextReply(chatId: number | string, afterCount?: number, timeoutMs = 5000): Promise<FakeMessage> {
    const n = afterCount ?? this.transcript(chatId).length;
    const t = await this.waitForMessages(chatId, n + 1, timeoutMs);
    return t[n] as FakeMessage;
  }

  // ── Fault scripting ────────────────────────────────────────────────────────

  /** The next `count` calls of `method` ("*" = any method but getUpdates) answer this error. */
  failNext(method: string, count: number, error: FakeErrorSpec): void {
    const q = this.failQueue.get(lc(method)) ?? [];
    for (let i = 0; i < count; i++) q.push(error);
    this.failQueue.set(lc(method), q);
  }

  /** Every call of `method` ("*" = any but getUpdates) answers this error until {@link clearFaults}. */
  failAll(method: string, error: FakeErrorSpec): void {
    this.failAlways.set(lc(method), error);
  }

  /**
   * The next call of `method` waits `ms` fake ms (Infinity: until stop) before it
   * is processed — an in-flight request. With `deliverFirst`, the call is
   * processed at once and only the response is delayed (sent but unconfirmed).
   */
  hangNext(method: string, ms: number, opts: { deliverFirst?: boolean } = {}): void {
    const q = this.hangs.get(lc(method)) ?? [];
    q.push({ ms, deliverFirst: opts.deliverFirst ?? false });
    this.hangs.set(lc(method), q);
  }

  /** Sends/edits/actions to this chat answer 403 (user blocked the bot) until unblocked or the user writes again. */
  blockChat(chatId: number | string): void {
    const key = chatKeyOf(chatId);
    if (key) this.blocked.add(key);
  }

  /** Undoes {@link blockChat}. */
  unblockChat(chatId: number | string): void {
    const key = chatKeyOf(chatId);
    if (key) this.blocked.delete(key);
  }

  /** Removes all scripted faults: failNext, failAll, hangNext and blocked chats. */
  clearFaults(): void {
    this.failQueue.clear();
    this.failAlways.clear();
    this.hangs.clear();
    this.blocked.clear();
  }

  /** Adds or overrides an API method. The handler returns the `result` or throws {@link TelegramApiError}. */
  onMethod(method: string, handler: MethodHandler): void {
    this.customMethods.set(lc(method), { name: method, fn: handler });
  }

  // ── HTTP layer ─────────────────────────────────────────────────────────────

  private async handleHttp(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const realAt = performance.now();
    const at = this.clock.now();
    const url = new URL(req.url ?? "/", "http://fake");
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);

    const fileMatch = /^\/file\/bot([^/]+)\/(.+)$/.exec(url.pathname);
    if (fileMatch && (req.method === "GET" || req.method === "HEAD")) {
      const token = decodeURIComponent(fileMatch[1] ?? "");
      const path = decodeURIComponent(fileMatch[2] ?? "");
      const fileId = this.filePaths.get(path);
      const file = fileId ? this.files.get(fileId) : undefined;
      if (token !== this.token) return this.writeJson(res, 401, { ok: false, error_code: 401, description: "Unauthorized" });
      if (!file) return this.writeJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
      res.writeHead(200, { "content-type": "application/octet-stream", "content-length": file.content.length });
      res.end(req.method === "HEAD" ? undefined : file.content);
      return;
    }

    const m = /^\/bot([^/]+)\/([^/]+)\/?$/.exec(url.pathname);
    if (!m) return this.writeJson(res, 404, { ok: false, error_code: 404, description: "Not Found" });
    const token = decodeURIComponent(m[1] ?? "");
    const requested = decodeURIComponent(m[2] ?? "");
    const canonicalName = this.canonicalMethod(requested);
    const call: CallRecord = { method: canonicalName ?? requested, payload: {}, at, realAt, status: 0 };
    this.callLog.push(call);
    let files: Record<string, UploadedFile> = {};
    try {
      const parsed = this.parseParams(req, url, body);
      files = parsed.files;
      call.payload = parsed.payload;
      if (token !== this.token) throw new TelegramApiError(401, "Unauthorized");
      if (!canonicalName) throw new TelegramApiError(404, "Not Found");
    } catch (err) {
      return this.answer(res, call, err);
    }
    const method = canonicalName;
    const key = lc(method);
    const payload = call.payload;

    const clientGone = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) clientGone.abort();
    });
    const hang = this.takeHang(key);
    if (hang && !hang.deliverFirst) {
      await this.clock.sleep(hang.ms, this.stopController.signal);
      if (this.stopped) return;
    }
    let outcome: unknown;
    try {
      this.applyScriptedFaults(key, payload);
      outcome = { ok: true, result: await this.dispatch(method, payload, files, clientGone.signal) };
    } catch (err) {
      outcome = err;
    }
    if (hang?.deliverFirst) {
      await this.clock.sleep(hang.ms, this.stopController.signal);
      if (this.stopped) return;
    }
    this.answer(res, call, outcome);
  }

  private answer(res: http.ServerResponse, call: CallRecord, outcome: unknown): void {
    let status = 200;
    let body: unknown = outcome;
    if (!(isObject(outcome) && outcome.ok === true)) {
      const err =
        outcome instanceof TelegramApiError
          ? outcome
          : new TelegramApiError(500, `Internal Server Error: ${outcome instanceof Error ? outcome.message : String(outcome)}`);
      status = err.error_code;
      call.description = err.description;
      body = { ok: false, error_code: err.error_code, description: err.description, ...(err.parameters ? { parameters: err.parameters } : {}) };
      if (status === 429 && this.rateMethods.has(lc(call.method))) this.countRejected(call.payload.chat_id);
    }
    call.status = res.destroyed || res.writableEnded ? 499 : status;
    this.writeJson(res, status, body);
  }

  private writeJson(res: http.ServerResponse, status: number, body: unknown): void {
    if (res.destroyed || res.writableEnded) return;
    const data = JSON.stringify(body);
    res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(data) });
    res.end(data);
  }

  private parseParams(req: http.IncomingMessage, url: URL, body: Buffer): { payload: Record<string, unknown>; files: Record<string, UploadedFile> } {
    const payload: Record<string, unknown> = {};
    let files: Record<string, UploadedFile> = {};
    for (const [k, v] of url.searchParams) payload[k] = v;
    const type = (req.headers["content-type"] ?? "").toLowerCase();
    if (body.length > 0) {
      if (type.startsWith("application/json")) {
        let parsed: unknown;
        try {
          parsed = JSON.parse(body.toString("utf8"));
        } catch {
          throw bad("can't parse JSON request body");
        }
        if (isObject(parsed)) Object.assign(payload, parsed);
      } else if (type.startsWith("application/x-www-form-urlencoded")) {
        for (const [k, v] of new URLSearchParams(body.toString("utf8"))) payload[k] = v;
      } else if (type.startsWith("multipart/form-data")) {
        const mp = parseMultipart(body, req.headers["content-type"] ?? "");
        Object.assign(payload, mp.fields);
        files = mp.files;
      }
    }
    for (const field of JSON_FIELDS) {
      const v = payload[field];
      if (typeof v === "string" && /^\s*[[{]/.test(v)) {
        try {
          payload[field] = JSON.parse(v);
        } catch {
          throw bad(field === "reply_markup" ? "can't parse reply keyboard markup JSON object" : `can't parse ${field} JSON object`);
        }
      }
    }
    // Make uploads visible in the call log without dumping bytes.
    for (const [k, v] of Object.entries(payload)) {
      if (typeof v === "string" && v.startsWith("attach://")) {
        const f = files[v.slice("attach://".length)];
        if (f) payload[k] = { file: v, filename: f.filename, size: f.content.length };
      }
    }
    for (const [name, f] of Object.entries(files)) {
      if (!(name in payload) && !Object.values(payload).some((v) => isObject(v) && v.file === `attach://${name}`)) {
        payload[name] = { file: `attach://${name}`, filename: f.filename, size: f.content.length };
      }
    }
    return { payload, files };
  }

  private takeHang(key: string): HangSpec | undefined {
    const q = this.hangs.get(key);
    const h = q?.shift();
    if (q && q.length === 0) this.hangs.delete(key);
    return h;
  }

  private applyScriptedFaults(key: string, payload: Record<string, unknown>): void {
    const toError = (s: FakeErrorSpec) => {
      const parameters: { retry_after?: number; migrate_to_chat_id?: number } = {};
      if (s.retry_after !== undefined || s.error_code === 429) parameters.retry_after = s.retry_after ?? 1;
      if (s.migrate_to_chat_id !== undefined) parameters.migrate_to_chat_id = s.migrate_to_chat_id;
      return new TelegramApiError(s.error_code, s.description, Object.keys(parameters).length ? parameters : undefined);
    };
    const keys = key === "getupdates" ? [key] : [key, "*"];
    for (const k of keys) {
      const q = this.failQueue.get(k);
      const spec = q?.shift();
      if (q && q.length === 0) this.failQueue.delete(k);
      if (spec) throw toError(spec);
    }
    for (const k of keys) {
      const spec = this.failAlways.get(k);
      if (spec) throw toError(spec);
    }
    const chatKey = chatKeyOf(payload.chat_id);
    if (chatKey && this.blocked.has(chatKey) && key !== "getchat") {
      const type = this.chats.get(chatKey)?.type ?? (chatKey.startsWith("-") ? "group" : "private");
      if (type === "private") throw new TelegramApiError(403, "Forbidden: bot was blocked by the user");
      if (type === "channel") throw new TelegramApiError(403, "Forbidden: bot is not a member of the channel chat");
      throw new TelegramApiError(403, `Forbidden: bot was kicked from the ${type === "supergroup" ? "supergroup" : "group"} chat`);
    }
  }

  // ── Method dispatch ────────────────────────────────────────────────────────

  private readonly builtins: Record<string, (p: Record<string, unknown>, f: Record<string, UploadedFile>) => unknown> = {
    getMe: () => this.botInfo,
    logOut: () => true,
    close: () => true,
    getUpdates: (p) => this.getUpdates(p),
    setWebhook: (p) => this.setWebhook(p),
    deleteWebhook: (p) => {
      if (asBool(p.drop_pending_updates)) this.queue = [];
      this.webhookState = { url: "" };
      return true;
    },
    getWebhookInfo: () => ({
      url: this.webhookState.url,
      has_custom_certificate: false,
      pending_update_count: this.queue.length,
      ...(this.webhookState.max_connections !== undefined ? { max_connections: this.webhookState.max_connections } : {}),
      ...(this.webhookState.allowed_updates ? { allowed_updates: this.webhookState.allowed_updates } : {}),
    }),
    sendMessage: (p) => this.sendMessage(p),
    editMessageText: (p) => this.editMessageText(p),
    editMessageCaption: (p) => this.editMessageCaption(p),
    editMessageReplyMarkup: (p) => this.editMessageReplyMarkup(p),
    deleteMessage: (p) => this.deleteMessage(p),
    deleteMessages: (p) => {
      const chat = this.resolveChat(p.chat_id);
      const ids = Array.isArray(p.message_ids) ? p.message_ids : [];
      for (const id of ids) {
        const rec = this.messages.get(String(chat.id))?.get(asInt(id) ?? -1);
        if (rec) rec.deleted = true;
      }
      return true;
    },
    answerCallbackQuery: (p) => this.answerCallbackQuery(p),
    sendDocument: (p, f) => this.sendFileMessage("document", p, f),
    sendPhoto: (p, f) => this.sendFileMessage("photo", p, f),
    getFile: (p) => this.getFile(p),
    sendChatAction: (p) => {
      this.resolveChat(p.chat_id);
      if (typeof p.action !== "string" || !CHAT_ACTIONS.has(p.action)) throw bad("wrong parameter action in request");
      return true;
    },
    setMyCommands: (p) => this.setMyCommands(p),
    getMyCommands: (p) => this.commandsFor(this.parseScope(p.scope), this.parseLang(p.language_code)),
    deleteMyCommands: (p) => {
      this.commandStore.delete(this.scopeKey(this.parseScope(p.scope), this.parseLang(p.language_code)));
      return true;
    },
    setMyDescription: (p) => this.setting("description", p, "description"),
    getMyDescription: (p) => ({ description: this.getSetting("description", p) ?? "" }),
    setMyShortDescription: (p) => this.setting("short_description", p, "short_description"),
    getMyShortDescription: (p) => ({ short_description: this.getSetting("short_description", p) ?? "" }),
    setMyName: (p) => this.setting("name", p, "name"),
    getMyName: (p) => ({ name: this.getSetting("name", p) ?? this.botInfo.first_name }),
    setChatMenuButton: (p) => {
      this.botSettings.set(`menu_button/${chatKeyOf(p.chat_id) ?? ""}`, p.menu_button ?? { type: "default" });
      return true;
    },
    getChatMenuButton: (p) => this.botSettings.get(`menu_button/${chatKeyOf(p.chat_id) ?? ""}`) ?? { type: "commands" },
  };

  private readonly builtinNames = new Map(Object.keys(this.builtins).map((n) => [lc(n), n]));

  private canonicalMethod(requested: string): string | undefined {
    const key = lc(requested);
    return this.customMethods.get(key)?.name ?? this.builtinNames.get(key);
  }

  private dispatch(method: string, payload: Record<string, unknown>, files: Record<string, UploadedFile>, clientGone: AbortSignal): unknown {
    const custom = this.customMethods.get(lc(method));
    if (custom) return custom.fn(payload, files);
    if (method === "getUpdates") return this.getUpdates(payload, clientGone);
    const fn = this.builtins[method];
    if (!fn) throw new TelegramApiError(404, "Not Found");
    return fn(payload, files);
  }

  // ── getUpdates / webhook ───────────────────────────────────────────────────

  private getUpdates(p: Record<string, unknown>, clientGone?: AbortSignal): Promise<Update[]> | Update[] {
    if (this.webhookState.url) {
      throw new TelegramApiError(409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first");
    }
    // A newer getUpdates terminates an older pending one, like Telegram.
    this.terminatePoll("Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    // Confirm: forget updates below offset, and re-deliveries already handed out.
    const offset = asInt(p.offset) ?? 0;
    this.queue = this.queue.filter((q) => !(q.forced && q.delivered));
    if (offset > 0) this.queue = this.queue.filter((q) => q.forced || q.update.update_id >= offset);
    else if (offset < 0) {
      const normal = this.queue.filter((q) => !q.forced);
      const keep = new Set(normal.slice(offset));
      this.queue = this.queue.filter((q) => q.forced || keep.has(q));
    }
    if (Array.isArray(p.allowed_updates)) this.allowedUpdates = p.allowed_updates.map(String);
    const limit = Math.min(100, Math.max(1, asInt(p.limit) ?? 100));
    const timeout = Math.max(0, asInt(p.timeout) ?? 0);
    const ready = this.takeUpdates(limit);
    if (ready.length > 0 || timeout === 0 || this.stopped || clientGone?.aborted) return ready;
    return new Promise<Update[]>((resolve, reject) => {
      const poll: PendingPoll = {
        limit,
        resolve: (v) => {
          if (this.poll === poll) this.poll = undefined;
          clearTimeout(timer);
          if (v instanceof TelegramApiError) reject(v);
          else resolve(v);
        },
      };
      const realMs = Math.min(MAX_TIMER_MS, this.clock.toRealMs(timeout * 1000));
      const timer = setTimeout(() => poll.resolve([]), realMs);
      clientGone?.addEventListener("abort", () => poll.resolve([]), { once: true });
      this.poll = poll;
    });
  }

  /**
   * Ends the pending long poll with 409. Deferred a little: a client that just
   * aborted it (grammY's bot.stop) may close its socket only after its next
   * request arrived; such a poll is then logged as 499, not as a conflict.
   */
  private terminatePoll(description: string): void {
    const previous = this.poll;
    this.poll = undefined;
    if (previous) setTimeout(() => previous.resolve(new TelegramApiError(409, description)), 25);
  }

  /** Next deliverable batch: pending re-deliveries alone first, then normal updates by id. */
  private takeUpdates(limit: number): Update[] {
    const allowed = this.allowedUpdates.length > 0 ? new Set(this.allowedUpdates) : undefined;
    this.queue = this.queue.filter((q) => {
      const t = updateType(q.update);
      return allowed ? allowed.has(t) : !NOT_DEFAULT_UPDATES.has(t);
    });
    const forced = this.queue.filter((q) => q.forced && !q.delivered).slice(0, limit);
    if (forced.length > 0) {
      for (const q of forced) q.delivered = true;
      return forced.map((q) => q.update);
    }
    return this.queue
      .filter((q) => !q.forced)
      .sort((a, b) => a.update.update_id - b.update.update_id)
      .slice(0, limit)
      .map((q) => q.update);
  }

  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      const poll = this.poll;
      if (!poll) return;
      const ready = this.takeUpdates(poll.limit);
      if (ready.length > 0) poll.resolve(ready);
    });
  }

  private setWebhook(p: Record<string, unknown>): true {
    const url = typeof p.url === "string" ? p.url : "";
    if (url && !/^https:\/\//i.test(url)) throw bad("bad webhook: An HTTPS URL must be provided for webhook");
    if (asBool(p.drop_pending_updates)) this.queue = [];
    this.webhookState = url
      ? {
          url,
          ...(typeof p.secret_token === "string" ? { secret_token: p.secret_token } : {}),
          ...(asInt(p.max_connections) !== undefined ? { max_connections: asInt(p.max_connections) } : {}),
          ...(Array.isArray(p.allowed_updates) ? { allowed_updates: p.allowed_updates.map(String) } : {}),
        }
      : { url: "" };
    if (this.webhookState.url) this.terminatePoll("Conflict: terminated by setWebhook request");
    return true;
  }

  // ── Messages ───────────────────────────────────────────────────────────────

  private sendMessage(p: Record<string, unknown>): unknown {
    const chat = this.resolveChat(p.chat_id);
    const formatted = this.formatText(p.text, p.parse_mode, p.entities, "text");
    const markup = this.validateMarkup(p.reply_markup);
    const replyTo = this.replyTarget(chat, p);
    this.enforceRateLimit("sendMessage", chat);
    const rec = this.storeBotMessage("sendMessage", chat, {
      text: formatted.text,
      ...(formatted.entities.length ? { entities: formatted.entities } : {}),
      raw: String(p.text),
      ...(typeof p.parse_mode === "string" ? { parse_mode: p.parse_mode } : {}),
      ...(markup ? { reply_markup: markup } : {}),
      ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
    });
    return this.toMessage(rec);
  }

  private editTarget(p: Record<string, unknown>, verb: "edit"): FakeMessage {
    if (p.inline_message_id !== undefined && p.chat_id === undefined) throw bad("MESSAGE_ID_INVALID");
    const chat = this.resolveChat(p.chat_id);
    const id = asInt(p.message_id);
    if (id === undefined) throw bad("message identifier is not specified");
    const rec = this.messages.get(String(chat.id))?.get(id);
    if (!rec || rec.deleted) throw bad(`message to ${verb} not found`);
    if (!rec.fromBot) throw bad("message can't be edited");
    return rec;
  }

  private editMessageText(p: Record<string, unknown>): unknown {
    const rec = this.editTarget(p, "edit");
    if (rec.text === undefined) throw bad("there is no text in the message to edit");
    const formatted = this.formatText(p.text, p.parse_mode, p.entities, "text");
    const markup = this.validateMarkup(p.reply_markup);
    const inline = markup && "inline_keyboard" in markup ? markup : undefined;
    const sameText = formatted.text === rec.text && canonical(formatted.entities) === canonical(rec.entities ?? []);
    if (sameText && this.sameMarkup(inline, rec.reply_markup)) throw bad(NOT_MODIFIED.slice("Bad Request: ".length));
    this.enforceRateLimit("editMessageText", rec.chat);
    rec.text = formatted.text;
    rec.entities = formatted.entities.length ? formatted.entities : undefined;
    rec.raw = String(p.text);
    rec.parse_mode = typeof p.parse_mode === "string" ? p.parse_mode : undefined;
    rec.reply_markup = inline; // omitted reply_markup removes the inline keyboard, like Telegram
    this.markEdited(rec, "editMessageText");
    return this.toMessage(rec);
  }

  private editMessageCaption(p: Record<string, unknown>): unknown {
    const rec = this.editTarget(p, "edit");
    if (rec.text !== undefined) throw bad("there is no caption in the message to edit");
    const formatted = this.formatText(p.caption ?? "", p.parse_mode, p.caption_entities, "caption");
    const markup = this.validateMarkup(p.reply_markup);
    const inline = markup && "inline_keyboard" in markup ? markup : undefined;
    const same = formatted.text === (rec.caption ?? "") && canonical(formatted.entities) === canonical(rec.caption_entities ?? []);
    if (same && this.sameMarkup(inline, rec.reply_markup)) throw bad(NOT_MODIFIED.slice("Bad Request: ".length));
    this.enforceRateLimit("editMessageCaption", rec.chat);
    rec.caption = formatted.text || undefined;
    rec.caption_entities = formatted.entities.length ? formatted.entities : undefined;
    rec.raw = typeof p.caption === "string" ? p.caption : undefined;
    rec.reply_markup = inline;
    this.markEdited(rec, "editMessageCaption");
    return this.toMessage(rec);
  }

  private editMessageReplyMarkup(p: Record<string, unknown>): unknown {
    const rec = this.editTarget(p, "edit");
    const markup = this.validateMarkup(p.reply_markup);
    const inline = markup && "inline_keyboard" in markup ? markup : undefined;
    if (this.sameMarkup(inline, rec.reply_markup)) throw bad(NOT_MODIFIED.slice("Bad Request: ".length));
    this.enforceRateLimit("editMessageReplyMarkup", rec.chat);
    rec.reply_markup = inline;
    this.markEdited(rec, "editMessageReplyMarkup");
    return this.toMessage(rec);
  }

  private markEdited(rec: FakeMessage, method: string): void {
    rec.edits++;
    rec.edit_date = nowSeconds();
    this.recordDelivery(method, rec);
  }

  private sameMarkup(next: AnyReplyMarkup | undefined, current: AnyReplyMarkup | undefined): boolean {
    const norm = (m: AnyReplyMarkup | undefined) =>
      m && "inline_keyboard" in m && m.inline_keyboard.some((row) => row.length > 0) ? canonical(m.inline_keyboard) : "";
    return norm(next) === norm(current);
  }

  private deleteMessage(p: Record<string, unknown>): true {
    const chat = this.resolveChat(p.chat_id);
    const rec = this.messages.get(String(chat.id))?.get(asInt(p.message_id) ?? -1);
    if (!rec || rec.deleted) throw bad("message to delete not found");
    rec.deleted = true;
    return true;
  }

  private answerCallbackQuery(p: Record<string, unknown>): true {
    const id = typeof p.callback_query_id === "string" ? p.callback_query_id : String(p.callback_query_id ?? "");
    if (!this.openCallbacks.has(id)) throw bad("query is too old and response timeout expired or query ID is invalid");
    // Like Telegram: a text over the limit is refused and the query stays open (it can still be answered).
    if (p.text !== undefined && String(p.text).length > MAX_CALLBACK_ANSWER) throw bad("MESSAGE_TOO_LONG");
    this.openCallbacks.delete(id);
    this.answeredCallbacks.push(p);
    return true;
  }

  private sendFileMessage(kind: "document" | "photo", p: Record<string, unknown>, files: Record<string, UploadedFile>): unknown {
    const method = kind === "document" ? "sendDocument" : "sendPhoto";
    const chat = this.resolveChat(p.chat_id);
    const value = p[kind];
    let stored: StoredFile | undefined;
    let upload: UploadedFile | undefined;
    if (isObject(value) && typeof value.file === "string") upload = files[value.file.slice("attach://".length)];
    else if (value === undefined) upload = files[kind];
    if (upload) {
      if (upload.content.length === 0) throw bad("file must be non-empty");
      if (upload.content.length > 50 * 1024 * 1024) throw new TelegramApiError(413, "Request Entity Too Large");
    } else if (typeof value === "string" && value !== "") {
      stored = this.files.get(value);
      if (!stored && /^https?:\/\//i.test(value)) {
        upload = { filename: decodeURIComponent(new URL(value).pathname.split("/").pop() || "file"), contentType: "", content: Buffer.alloc(0) };
      } else if (!stored || stored.kind !== kind) {
        throw bad("wrong file identifier/HTTP URL specified");
      }
    } else {
      throw bad(`there is no ${kind} in the request`);
    }
    const caption = p.caption === undefined ? undefined : this.formatText(p.caption, p.parse_mode, p.caption_entities, "caption");
    const markup = this.validateMarkup(p.reply_markup);
    const replyTo = this.replyTarget(chat, p);
    if (kind === "photo" && upload && upload.content.length > 0 && !imageSize(upload.content)) throw bad("IMAGE_PROCESS_FAILED");
    this.enforceRateLimit(method, chat); // before storing anything: a refused send leaves no trace
    let fields: Partial<FakeMessage>;
    if (kind === "document") {
      if (upload) {
        const name = upload.filename || "document.dat";
        stored = this.storeFile("document", upload.content, name, this.mimeFor(name));
      }
      const f = stored as StoredFile;
      fields = {
        document: {
          file_id: f.file_id,
          file_unique_id: f.file_unique_id,
          ...(f.file_name ? { file_name: f.file_name } : {}),
          ...(f.mime_type ? { mime_type: f.mime_type } : {}),
          file_size: f.content.length,
        },
      };
    } else {
      let sizes: PhotoSize[];
      if (upload) {
        sizes = this.photoSizes(upload.content);
      } else {
        const f = stored as StoredFile;
        const dim = imageSize(f.content) ?? { width: 800, height: 600 };
        sizes = [{ file_id: f.file_id, file_unique_id: f.file_unique_id, ...dim, file_size: f.content.length }];
      }
      fields = { photo: sizes };
    }
    const rec = this.storeBotMessage(method, chat, {
      ...fields,
      ...(caption && caption.text ? { caption: caption.text, raw: String(p.caption) } : {}),
      ...(caption && caption.entities.length ? { caption_entities: caption.entities } : {}),
      ...(typeof p.parse_mode === "string" ? { parse_mode: p.parse_mode } : {}),
      ...(markup ? { reply_markup: markup } : {}),
      ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
    });
    return this.toMessage(rec);
  }

  private getFile(p: Record<string, unknown>): unknown {
    const id = typeof p.file_id === "string" ? p.file_id : "";
    const f = this.files.get(id);
    if (!f) throw bad("invalid file_id");
    if (f.content.length > MAX_DOWNLOAD) throw bad("file is too big");
    if (!f.file_path) {
      const ext = (f.file_name?.includes(".") ? f.file_name.split(".").pop() : f.kind === "photo" ? "jpg" : "dat") ?? "dat";
      f.file_path = `${f.kind === "photo" ? "photos" : "documents"}/file_${this.fileCounter++}.${ext}`;
      this.filePaths.set(f.file_path, f.file_id);
    }
    return { file_id: f.file_id, file_unique_id: f.file_unique_id, file_size: f.content.length, file_path: f.file_path };
  }

  private setMyCommands(p: Record<string, unknown>): true {
    if (!Array.isArray(p.commands)) throw bad("parameter \"commands\" is required");
    if (p.commands.length > 100) throw bad("BOT_COMMANDS_TOO_MUCH");
    const commands: BotCommand[] = [];
    for (const c of p.commands as unknown[]) {
      if (!isObject(c) || typeof c.command !== "string" || !/^[a-z0-9_]{1,32}$/.test(c.command)) throw bad("BOT_COMMAND_INVALID");
      if (typeof c.description !== "string" || c.description.length < 1 || c.description.length > 256) {
        throw bad("BOT_COMMAND_DESCRIPTION_INVALID");
      }
      commands.push({ command: c.command, description: c.description });
    }
    const scope = this.parseScope(p.scope);
    const lang = this.parseLang(p.language_code);
    const key = this.scopeKey(scope, lang);
    if (commands.length === 0) this.commandStore.delete(key);
    else this.commandStore.set(key, { scope, language_code: lang, commands });
    return true;
  }

  private parseScope(v: unknown): BotCommandScope {
    if (v === undefined) return { type: "default" };
    if (!isObject(v) || typeof v.type !== "string") throw bad("can't parse BotCommandScope JSON object");
    const needsChat = ["chat", "chat_administrators", "chat_member"].includes(v.type);
    if (needsChat && chatKeyOf(v.chat_id) === undefined) throw bad("chat_id is empty");
    if (v.type === "chat_member" && asInt(v.user_id) === undefined) throw bad("user_id is empty");
    return v as unknown as BotCommandScope;
  }

  private parseLang(v: unknown): string {
    const lang = typeof v === "string" ? v : "";
    if (lang !== "" && !/^[a-z]{2}$/.test(lang)) throw bad("invalid language code specified");
    return lang;
  }

  private scopeKey(scope: BotCommandScope, lang: string): string {
    const s = scope as unknown as Record<string, unknown>;
    return `${String(s.type)}:${chatKeyOf(s.chat_id) ?? ""}:${asInt(s.user_id) ?? ""}/${lang}`;
  }

  private setting(name: string, p: Record<string, unknown>, field: string): true {
    this.botSettings.set(`${name}/${this.parseLang(p.language_code)}`, typeof p[field] === "string" ? p[field] : "");
    return true;
  }

  private getSetting(name: string, p: Record<string, unknown>): unknown {
    return this.botSettings.get(`${name}/${this.parseLang(p.language_code)}`);
  }

  // ── Validation helpers ─────────────────────────────────────────────────────

  private formatText(value: unknown, parseMode: unknown, entities: unknown, what: "text" | "caption"): { text: string; entities: MessageEntity[] } {
    const raw = typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
    if (what === "text" && raw === "") throw bad("message text is empty");
    let parsed: { text: string; entities: MessageEntity[] };
    const mode = typeof parseMode === "string" ? parseMode.toLowerCase() : "";
    if (mode === "html") parsed = parseTelegramHtml(raw);
    else if (mode === "" || mode === "markdown" || mode === "markdownv2") {
      parsed = { text: raw, entities: Array.isArray(entities) ? (entities as MessageEntity[]) : [] };
    } else throw bad("unsupported parse_mode");
    const trimmed = trimWithEntities(parsed.text, parsed.entities);
    if (what === "text") {
      if (trimmed.text === "") throw bad("message text is empty");
      if (trimmed.text.length > MAX_TEXT) throw bad("message is too long");
    } else if (trimmed.text.length > MAX_CAPTION) throw bad("message caption is too long");
    return trimmed;
  }

  private validateMarkup(v: unknown): AnyReplyMarkup | undefined {
    if (v === undefined || v === null) return undefined;
    if (!isObject(v)) throw bad("can't parse reply keyboard markup JSON object");
    if ("inline_keyboard" in v) {
      if (!Array.isArray(v.inline_keyboard)) throw bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array");
      for (const row of v.inline_keyboard as unknown[]) {
        if (!Array.isArray(row)) throw bad("field \"inline_keyboard\" of the InlineKeyboardMarkup must be an Array of Arrays");
        for (const b of row as unknown[]) {
          if (!isObject(b) || typeof b.text !== "string") throw bad("can't parse inline keyboard button: Field \"text\" must be of type String");
          if (!BUTTON_ACTION_FIELDS.some((f) => b[f] !== undefined)) {
            throw bad("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
          }
          if (b.callback_data !== undefined) {
            const bytes = Buffer.byteLength(String(b.callback_data), "utf8");
            if (bytes === 0 || bytes > MAX_CALLBACK_DATA_BYTES) throw bad("BUTTON_DATA_INVALID");
          }
          if (b.url !== undefined && (typeof b.url !== "string" || !URL.canParse(b.url))) throw bad("BUTTON_URL_INVALID");
        }
      }
      return v as unknown as InlineKeyboardMarkup;
    }
    if ("keyboard" in v) {
      if (!Array.isArray(v.keyboard)) throw bad("field \"keyboard\" of the ReplyKeyboardMarkup must be an Array");
      return v as unknown as ReplyKeyboardMarkup;
    }
    if ("remove_keyboard" in v) return v as unknown as ReplyKeyboardRemove;
    if ("force_reply" in v) return v as unknown as ForceReply;
    throw bad("can't find field \"inline_keyboard\"");
  }

  private replyTarget(chat: Chat, p: Record<string, unknown>): number | undefined {
    const params = isObject(p.reply_parameters) ? p.reply_parameters : undefined;
    const id = asInt(params?.message_id) ?? asInt(p.reply_to_message_id);
    if (id === undefined) return undefined;
    const target = this.messages.get(String(chat.id))?.get(id);
    if (!target || target.deleted) {
      if (asBool(params?.allow_sending_without_reply) || asBool(p.allow_sending_without_reply)) return undefined;
      throw bad("message to be replied not found");
    }
    return id;
  }

  private enforceRateLimit(method: string, chat: Chat): void {
    const rl = this.opts.rateLimit;
    if (!rl || !this.rateMethods.has(lc(method))) return;
    const now = this.clock.now();
    const key = String(chat.id);
    const prune = (arr: number[]) => {
      while (arr.length > 0 && (arr[0] as number) <= now - 1000) arr.shift();
    };
    prune(this.globalWindow);
    const chatWindow = this.chatWindows.get(key) ?? [];
    prune(chatWindow);
    const overGlobal = rl.globalPerSecond !== undefined && this.globalWindow.length >= rl.globalPerSecond;
    const overChat = rl.perChatPerSecond !== undefined && chatWindow.length >= rl.perChatPerSecond;
    if (overGlobal || overChat) {
      const retry = rl.retryAfterSeconds ?? 1;
      throw new TelegramApiError(429, `Too Many Requests: retry after ${retry}`, { retry_after: retry });
    }
    this.globalWindow.push(now);
    chatWindow.push(now);
    this.chatWindows.set(key, chatWindow);
  }

  private countRejected(chatId: unknown): void {
    this.statsData.rejected429++;
    const key = chatKeyOf(chatId) ?? "?";
    const c = (this.statsData.byChat[key] ??= { accepted: 0, rejected429: 0 });
    c.rejected429++;
  }

  private recordDelivery(method: string, rec: FakeMessage): void {
    if (!this.rateMethods.has(lc(method))) return;
    const key = String(rec.chat.id);
    this.statsData.acceptedSends++;
    const c = (this.statsData.byChat[key] ??= { accepted: 0, rejected429: 0 });
    c.accepted++;
    this.deliveries.push({ method, chatId: key, message_id: rec.message_id, at: this.clock.now(), realAt: performance.now() });
  }

  // ── Chats, messages, files ─────────────────────────────────────────────────

  private registerChat(chat: Chat): Chat {
    const key = String(chat.id);
    const existing = this.chats.get(key);
    const merged = { ...existing, ...chat } as Chat;
    this.chats.set(key, merged);
    if ("username" in merged && merged.username) this.chats.set(`@${merged.username.toLowerCase()}`, merged);
    return merged;
  }

  private resolveChat(v: unknown): Chat {
    const key = chatKeyOf(v);
    if (v === undefined || v === null || v === "") throw bad("chat_id is empty");
    if (!key) throw bad("chat not found");
    const known = this.chats.get(key);
    if (known) return known;
    if (this.opts.strictChats || key.startsWith("@")) throw bad("chat not found");
    const id = Number(key);
    const chat: Chat =
      id > 0
        ? { id, type: "private", first_name: `User ${id}` }
        : key.startsWith("-100")
          ? { id, type: "supergroup", title: `Supergroup ${id}` }
          : { id, type: "group", title: `Group ${id}` };
    return this.registerChat(chat);
  }

  private userObject(user: FakeUser): User {
    return {
      id: user.id,
      is_bot: false,
      first_name: user.first_name ?? `User ${user.id}`,
      ...(user.last_name ? { last_name: user.last_name } : {}),
      ...(user.username ? { username: user.username } : {}),
      ...(user.language_code ? { language_code: user.language_code } : {}),
    };
  }

  private chatForUser(user: FakeUser, chat?: Chat): Chat {
    if (chat) return this.registerChat(chat);
    return this.registerChat({
      id: user.id,
      type: "private",
      first_name: user.first_name ?? `User ${user.id}`,
      ...(user.last_name ? { last_name: user.last_name } : {}),
      ...(user.username ? { username: user.username } : {}),
    });
  }

  /** A user writing in a private chat has necessarily unblocked the bot. */
  private unblockOnActivity(chat: Chat): void {
    if (chat.type === "private") this.blocked.delete(String(chat.id));
  }

  private allocateMessageId(chatKey: string): number {
    const id = (this.lastMessageId.get(chatKey) ?? 0) + 1;
    this.lastMessageId.set(chatKey, id);
    return id;
  }

  private storeMessage(chat: Chat, from: User, fromBot: boolean, method: string, fields: Partial<FakeMessage>): FakeMessage {
    const key = String(chat.id);
    const rec: FakeMessage = {
      message_id: this.allocateMessageId(key),
      chat,
      from,
      fromBot,
      date: nowSeconds(),
      edits: 0,
      deleted: false,
      method,
      sentAt: this.clock.now(),
      sentAtReal: performance.now(),
      ...fields,
    };
    let map = this.messages.get(key);
    if (!map) this.messages.set(key, (map = new Map()));
    map.set(rec.message_id, rec);
    return rec;
  }

  private storeUserMessage(user: FakeUser, chat: Chat, fields: Partial<FakeMessage>, replyTo?: number): FakeMessage {
    this.unblockOnActivity(chat);
    return this.storeMessage(chat, this.userObject(user), false, "user", {
      ...fields,
      ...(replyTo !== undefined ? { reply_to_message_id: replyTo } : {}),
    });
  }

  private storeBotMessage(method: string, chat: Chat, fields: Partial<FakeMessage>): FakeMessage {
    const from: User = { id: this.botInfo.id, is_bot: true, first_name: this.botInfo.first_name, username: this.botInfo.username };
    const rec = this.storeMessage(chat, from, true, method, fields);
    this.recordDelivery(method, rec);
    return rec;
  }

  /** The Message object Telegram would return / put in updates. */
  private toMessage(rec: FakeMessage, depth = 0): Record<string, unknown> {
    const msg: Record<string, unknown> = { message_id: rec.message_id, from: rec.from, chat: rec.chat, date: rec.date };
    if (rec.edit_date !== undefined) msg.edit_date = rec.edit_date;
    if (rec.reply_to_message_id !== undefined && depth === 0) {
      const target = this.messages.get(String(rec.chat.id))?.get(rec.reply_to_message_id);
      if (target) msg.reply_to_message = this.toMessage(target, 1);
    }
    if (rec.text !== undefined) msg.text = rec.text;
    if (rec.entities?.length) msg.entities = rec.entities;
    if (rec.document) msg.document = rec.document;
    if (rec.photo) msg.photo = rec.photo;
    if (rec.caption !== undefined) msg.caption = rec.caption;
    if (rec.caption_entities?.length) msg.caption_entities = rec.caption_entities;
    if (rec.reply_markup && "inline_keyboard" in rec.reply_markup) msg.reply_markup = rec.reply_markup;
    return msg;
  }

  private enqueue(body: Record<string, unknown>): Update {
    const update = { update_id: this.nextUpdateId++, ...body } as unknown as Update;
    this.queue.push({ update, forced: false, delivered: false });
    this.scheduleWake();
    return update;
  }

  private mimeFor(fileName: string): string {
    const ext = fileName.includes(".") ? (fileName.split(".").pop() ?? "").toLowerCase() : "";
    return MIME_BY_EXT[ext] ?? "application/octet-stream";
  }

  private storeFile(kind: "document" | "photo", content: Buffer, fileName?: string, mime?: string): StoredFile {
    const f: StoredFile = {
      file_id: randomId(kind === "document" ? "BQACAgIAAxkBAAI" : "AgACAgIAAxkBAAI", 24),
      file_unique_id: randomId("AgAD", 8),
      content,
      kind,
      ...(fileName ? { file_name: fileName } : {}),
      ...(mime ? { mime_type: mime } : {}),
    };
    this.files.set(f.file_id, f);
    return f;
  }

  private photoSizes(content: Buffer): PhotoSize[] {
    const dim = imageSize(content) ?? { width: 800, height: 600 };
    const big = this.storeFile("photo", content);
    const sizes: PhotoSize[] = [];
    const longest = Math.max(dim.width, dim.height);
    if (longest > 320) {
      const k = 320 / longest;
      const thumb = this.storeFile("photo", content);
      sizes.push({
        file_id: thumb.file_id,
        file_unique_id: thumb.file_unique_id,
        width: Math.max(1, Math.round(dim.width * k)),
        height: Math.max(1, Math.round(dim.height * k)),
        file_size: content.length,
      });
    }
    sizes.push({ file_id: big.file_id, file_unique_id: big.file_unique_id, width: dim.width, height: dim.height, file_size: content.length });
    return sizes;
  }
}
