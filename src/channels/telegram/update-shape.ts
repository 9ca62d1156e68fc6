/**
 * Checks the fields of an update that the bot reads against the types the Bot API promises, so that a
 * malformed update (a text that is a number, callback data that is an object, a sender without an id) is
 * dropped before any handler trusts it. Returns the path of the first bad field, or undefined.
 */
export function malformedField(update: unknown): string | undefined {
  if (!isObject(update)) return "update";
  if (!isInt(update.update_id)) return "update_id";
  for (const [kind, payload] of Object.entries(update)) {
    if (kind === "update_id") continue;
    if (!isObject(payload)) return kind;
    const bad = MESSAGE_KINDS.has(kind) ? badMessage(payload) : kind === "callback_query" ? badCallbackQuery(payload) : badParties(payload);
    if (bad) return `${kind}.${bad}`;
  }
  return undefined;
}

const MESSAGE_KINDS = new Set(["message", "edited_message", "channel_post", "edited_channel_post", "business_message", "edited_business_message"]);

type Obj = Record<string, unknown>;

const isObject = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);
const optional = (v: unknown, check: (x: unknown) => boolean) => v === undefined || check(v);
const isString = (v: unknown): v is string => typeof v === "string";
const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

function badUser(v: unknown): string | undefined {
  if (!isObject(v)) return "";
  if (!isInt(v.id)) return "id";
  for (const f of ["first_name", "username", "language_code"] as const) if (!optional(v[f], isString)) return f;
  return undefined;
}

function badChat(v: unknown): string | undefined {
  if (!isObject(v)) return "";
  if (!isInt(v.id)) return "id";
  if (!isString(v.type)) return "type";
  return undefined;
}

const at = (field: string, bad: string | undefined) => (bad === undefined ? undefined : bad ? `${field}.${bad}` : field);

/** `from` and `chat`, where an update kind has them. */
function badParties(p: Obj): string | undefined {
  if (p.from !== undefined) {
    const bad = at("from", badUser(p.from));
    if (bad) return bad;
  }
  if (p.chat !== undefined) return at("chat", badChat(p.chat));
  return undefined;
}

function badEntities(v: unknown): boolean {
  return !Array.isArray(v) || v.some((e) => !isObject(e) || !isString(e.type) || !isInt(e.offset) || !isInt(e.length) || !optional(e.url, isString));
}

function badMessage(m: Obj): string | undefined {
  if (!isInt(m.message_id)) return "message_id";
  if (m.chat === undefined) return "chat";
  const parties = badParties(m);
  if (parties) return parties;
  // In a private chat there is always a sender; handlers there rely on it.
  if (m.from === undefined && (m.chat as Obj).type === "private") return "from";
  for (const f of ["text", "caption"] as const) if (!optional(m[f], isString)) return f;
  for (const f of ["entities", "caption_entities"] as const) if (m[f] !== undefined && badEntities(m[f])) return f;
  if (m.document !== undefined) {
    const d = m.document;
    if (!isObject(d) || !isString(d.file_id) || !optional(d.file_name, isString) || !optional(d.mime_type, isString) || !optional(d.file_size, isNumber)) return "document";
  }
  if (m.photo !== undefined) {
    if (!Array.isArray(m.photo) || m.photo.some((s) => !isObject(s) || !isString(s.file_id) || !isString(s.file_unique_id) || !optional(s.file_size, isNumber))) return "photo";
  }
  return undefined;
}

function badCallbackQuery(q: Obj): string | undefined {
  if (!isString(q.id)) return "id";
  if (q.from === undefined) return "from";
  const parties = badParties(q);
  if (parties) return parties;
  if (!optional(q.data, isString)) return "data";
  if (q.message !== undefined) {
    if (!isObject(q.message) || !isInt(q.message.message_id)) return "message";
    const bad = at("message", badParties(q.message) ?? (q.message.chat === undefined ? "chat" : undefined));
    if (bad) return bad;
  }
  return undefined;
}
