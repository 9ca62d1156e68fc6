/**
 * Actions: what a button (or, on an app without buttons, a numbered choice) asks the bot to do. Each kind
 * is declared once, with typed fields; from that one declaration come its data (Telegram's callback_data,
 * at most 64 bytes, or what a numbered choice stands for), the pattern that recognises it, and its
 * parsing back into typed values. Data is short and opaque, and core re-checks whoever presses it.
 *
 * @example
 * const attend = defineAction("m:a", { invitationId: int, version: int });
 * attend.data({ invitationId: 12, version: 3 }); // "m:a:12:3"
 * attend.parse("m:a:12:3"); // { invitationId: 12, version: 3 }
 */

/** Telegram's limit on callback data, the tightest of the apps. */
export const ACTION_DATA_LIMIT = 64;

interface Field<T> {
  /** A regular expression source for one field, without groups. */
  readonly pattern: string;
  encode(value: T): string;
  decode(text: string): T | undefined;
}

/** A non-negative integer id or number. */
export const int: Field<number> = {
  pattern: "\\d{1,15}",
  encode: (v) => {
    if (!Number.isSafeInteger(v) || v < 0) throw new Error(`not an action id: ${v}`);
    return String(v);
  },
  decode: (s) => {
    const n = Number(s);
    return Number.isSafeInteger(n) ? n : undefined;
  },
};

/** Yes or no, as 1 or 0. */
export const bool: Field<boolean> = { pattern: "[01]", encode: (v) => (v ? "1" : "0"), decode: (s) => s === "1" };

/** A short lower-case code (a reason's code, a language): letters, digits and underscores. */
export const code: Field<string> = {
  pattern: "[a-z0-9_]{1,24}",
  encode: (v) => {
    if (!/^[a-z0-9_]{1,24}$/.test(v)) throw new Error(`not an action code: ${v}`);
    return v;
  },
  decode: (s) => s,
};

/** One of a few values, each written as its short form in the data (e.g. { absence: "a", proxy: "p" }). */
export function oneOf<const V extends string>(forms: Record<V, string>): Field<V> {
  const back = new Map(Object.entries(forms).map(([v, f]) => [f as string, v as V]));
  return {
    pattern: [...back.keys()].map((f) => f.replace(/[^a-z0-9_]/gi, "")).join("|"),
    encode: (v) => forms[v],
    decode: (s) => back.get(s),
  };
}

/** The values of an action, typed from its fields. */
export type ActionValues<F extends Record<string, Field<unknown>>> = { [K in keyof F]: F[K] extends Field<infer T> ? T : never };

export interface Action<V> {
  readonly prefix: string;
  /** Matches this action's data and nothing else (for grammY's callbackQuery filter). */
  readonly pattern: RegExp;
  /** The data for these values (none for an action without fields); throws beyond {@link ACTION_DATA_LIMIT} bytes. */
  data(...values: Record<string, never> extends V ? [values?: V] : [values: V]): string;
  /** The values in a piece of data, or undefined when it is not this action's (or is malformed). */
  parse(data: string): V | undefined;
}

/** Declares an action kind: its prefix (unique, short) and its fields, in the order they are written. */
export function defineAction<const F extends Record<string, Field<unknown>> = Record<never, never>>(prefix: string, fields?: F): Action<ActionValues<F>> {
  const entries = Object.entries(fields ?? {}) as [string, Field<unknown>][];
  const pattern = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}${entries.map(([, f]) => `:(${f.pattern})`).join("")}$`);
  return {
    prefix,
    pattern,
    data(...args) {
      const values = (args[0] ?? {}) as Record<string, unknown>;
      const data = [prefix, ...entries.map(([name, f]) => f.encode(values[name]))].join(":");
      if (Buffer.byteLength(data) > ACTION_DATA_LIMIT) throw new Error(`action data over ${ACTION_DATA_LIMIT} bytes: ${data}`);
      return data;
    },
    parse(data) {
      const m = pattern.exec(data);
      if (!m) return undefined;
      const out: Record<string, unknown> = {};
      for (const [i, [name, f]] of entries.entries()) {
        const v = f.decode(m[i + 1]!);
        if (v === undefined) return undefined;
        out[name] = v;
      }
      return out as ActionValues<F>;
    },
  };
}
