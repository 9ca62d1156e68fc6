import axios, { type AxiosInstance } from "axios";
import { redact } from "../../logger.js";
import { agentFor } from "../../net/proxy.js";

/** The Zalo Bot API's address when ZALO_API_ROOT is not set. */
export const ZALO_API_ROOT = "https://bot-api.zaloplatforms.com";

/** The Bot API refused a call: it answered `ok: false` (always with HTTP 200, so `ok` decides, never the status). */
export class ZaloApiError extends Error {
  override name = "ZaloApiError";
  constructor(
    readonly method: string,
    readonly errorCode: number,
    readonly description: string,
  ) {
    super(`Zalo ${method} refused: ${errorCode} ${description}`);
  }
}

/** The call did not get an answer: the network failed, it timed out, or the server answered something that is not the API's envelope. */
export class ZaloNetworkError extends Error {
  override name = "ZaloNetworkError";
  constructor(
    readonly method: string,
    message: string,
  ) {
    super(`Zalo ${method} failed: ${message}`);
  }
}

/** The bot's identity (getMe). IDs are strings: a 19-digit id would lose precision as a number. */
export interface ZaloBotInfo {
  id: string;
  account_name?: string;
  account_type?: string;
  can_join_groups?: boolean;
}

/** Who wrote, and in which chat (a PRIVATE chat's id is the person's). */
export interface ZaloMessage {
  message_id: string;
  date?: number;
  from?: { id: string; display_name?: string; first_name?: string; name?: string; is_bot?: boolean };
  chat?: { id: string; chat_type?: string };
  text?: string;
  photo?: string;
  photo_url?: string;
  url?: string;
  caption?: string;
  sticker?: string;
  voice_url?: string;
}

/** One update: the Bot API gives one per getUpdates call and one per webhook call. */
export interface ZaloUpdate {
  event_name: string;
  message?: ZaloMessage;
}

/** What a send returns. */
export interface ZaloSent {
  message_id: string;
  date?: number;
}

export interface ZaloWebhookInfo {
  url: string;
  updated_at?: number;
}

export interface ZaloClientOptions {
  token: string;
  /** Defaults to {@link ZALO_API_ROOT}; tests point it at the fake. */
  apiRoot?: string | undefined;
  /** Told of each message Zalo accepted (sendMessage, sendPhoto): each counts against the monthly quota. */
  onSent?: () => void;
  /** Told when Zalo answers 429 "Quota exceeded" to a send. */
  onQuotaExceeded?: () => void;
  /** The timeout of every call but getUpdates (which waits its poll plus 10 s). Default 30 s. */
  timeoutMs?: number;
  /** Told of every call the Bot API answered with `ok: true` (for `/healthz`). */
  onSuccess?: () => void;
}

/**
 * The Zalo Bot API over axios: `POST {apiRoot}/bot<token>/<method>` with a JSON body. A refusal is a
 * ZaloApiError, anything else that went wrong a ZaloNetworkError; neither carries the token (axios keeps the
 * URL in its errors: they are never passed on, only their redacted message).
 */
export interface ZaloClient {
  getMe(): Promise<ZaloBotInfo>;
  /** Waits up to `timeoutSeconds` for one update; undefined when none came (the API's 408). */
  getUpdates(timeoutSeconds: number, signal?: AbortSignal): Promise<ZaloUpdate | undefined>;
  setWebhook(url: string, secretToken: string): Promise<ZaloWebhookInfo>;
  deleteWebhook(): Promise<ZaloWebhookInfo>;
  getWebhookInfo(): Promise<ZaloWebhookInfo>;
  sendMessage(chatId: string, text: string): Promise<ZaloSent>;
  /** A photo by URL (the Bot API takes no upload), with an optional caption. */
  sendPhoto(chatId: string, photoUrl: string, caption?: string): Promise<ZaloSent>;
  sendChatAction(chatId: string, action: "typing" | "upload_photo"): Promise<void>;
}

export function createZaloClient(opts: ZaloClientOptions): ZaloClient {
  const root = (opts.apiRoot ?? ZALO_API_ROOT).replace(/\/+$/, "");
  const agent = agentFor(root);
  const http: AxiosInstance = axios.create({
    baseURL: root,
    timeout: opts.timeoutMs ?? 30_000,
    // Errors come with HTTP 200 and `ok: false`: the envelope decides, not the status.
    validateStatus: () => true,
    headers: { "Content-Type": "application/json" },
    // The proxy, when one applies, is net/proxy.ts's agent; axios's own reading of the environment is off.
    proxy: false,
    ...(agent ? { httpAgent: agent, httpsAgent: agent } : {}),
    maxContentLength: 1024 * 1024,
  });
  const scrub = (text: string) => redact(text, [opts.token]);

  async function call<T>(method: string, body: Record<string, unknown> = {}, extra: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<T> {
    let status: number;
    let data: unknown;
    try {
      const res = await http.post(`/bot${opts.token}/${method}`, body, {
        ...(extra.timeoutMs !== undefined ? { timeout: extra.timeoutMs } : {}),
        ...(extra.signal ? { signal: extra.signal } : {}),
      });
      status = res.status;
      data = res.data;
    } catch (e) {
      // A fresh error: axios's own holds the URL (and so the token) in its config and request.
      throw new ZaloNetworkError(method, scrub(String((e as Error)?.message ?? e)));
    }
    const envelope = typeof data === "object" && data !== null && "ok" in data ? (data as { ok: unknown; result?: unknown; error_code?: unknown; description?: unknown }) : undefined;
    if (!envelope) throw new ZaloNetworkError(method, `HTTP ${status} without the API's answer`);
    if (envelope.ok === true) {
      opts.onSuccess?.();
      if (method === "sendMessage" || method === "sendPhoto") opts.onSent?.();
      return envelope.result as T;
    }
    const code = Number(envelope.error_code ?? status);
    if (code === 429 && /quota/i.test(String(envelope.description ?? "")) && (method === "sendMessage" || method === "sendPhoto")) opts.onQuotaExceeded?.();
    throw new ZaloApiError(method, Number.isFinite(code) ? code : status, scrub(String(envelope.description ?? "")));
  }

  return {
    getMe: () => call<ZaloBotInfo>("getMe"),
    async getUpdates(timeoutSeconds, signal) {
      try {
        const update = await call<ZaloUpdate | undefined>("getUpdates", { timeout: String(timeoutSeconds) }, { timeoutMs: (timeoutSeconds + 10) * 1000, ...(signal ? { signal } : {}) });
        return update && typeof update === "object" && typeof update.event_name === "string" ? update : undefined;
      } catch (e) {
        // Nothing new within the timeout: the API's normal idle answer (a gateway's 504 reads the same).
        if (e instanceof ZaloApiError && (e.errorCode === 408 || e.errorCode === 504)) {
          opts.onSuccess?.();
          return undefined;
        }
        throw e;
      }
    },
    setWebhook: (url, secretToken) => call<ZaloWebhookInfo>("setWebhook", { url, secret_token: secretToken }),
    deleteWebhook: () => call<ZaloWebhookInfo>("deleteWebhook"),
    getWebhookInfo: () => call<ZaloWebhookInfo>("getWebhookInfo"),
    sendMessage: (chatId, text) => call<ZaloSent>("sendMessage", { chat_id: chatId, text }),
    sendPhoto: (chatId, photo, caption) => call<ZaloSent>("sendPhoto", { chat_id: chatId, photo, ...(caption ? { caption } : {}) }),
    async sendChatAction(chatId, action) {
      await call<unknown>("sendChatAction", { chat_id: chatId, action });
    },
  };
}
