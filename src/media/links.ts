import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Executor } from "../db/database.js";

/**
 * Signed, expiring links to stored files, for apps that take a file only by URL (Zalo sends photos
 * that way): `${PUBLIC_BASE_URL}/files/<id>?exp=<unix seconds>&sig=<signature>`. The signature is
 * HMAC-SHA256 over "<id>.<exp>" with the installation's link secret, base64url: whoever holds a link may
 * fetch that one file until it expires, and cannot make a link to another file or a later expiry.
 */
export interface FileLinks {
  /** A link to the stored file, valid for `ttlSeconds` from now. */
  link(fileId: number, ttlSeconds: number): string;
  /** Whether the parts of a link (as they came in the request) are signed by us and not expired. */
  check(id: string, exp: string | null, sig: string | null): "ok" | "forbidden" | "expired";
}

export const LINK_PATH = "/files/";

/** The signature is a base64url HMAC-SHA256: 32 bytes, 43 characters. */
const SIG = /^[A-Za-z0-9_-]{43}$/;

export function createFileLinks(opts: { baseUrl: string; secret: string; now: () => Date }): FileLinks {
  const base = opts.baseUrl.replace(/\/+$/, "");
  const sign = (id: string, exp: string) => createHmac("sha256", opts.secret).update(`${id}.${exp}`).digest("base64url");
  const nowSeconds = () => Math.floor(opts.now().getTime() / 1000);
  return {
    link(fileId, ttlSeconds) {
      if (!Number.isSafeInteger(fileId) || fileId <= 0) throw new Error(`not a stored file id: ${fileId}`);
      const exp = String(nowSeconds() + Math.max(1, Math.ceil(ttlSeconds)));
      return `${base}${LINK_PATH}${fileId}?exp=${exp}&sig=${sign(String(fileId), exp)}`;
    },
    check(id, exp, sig) {
      if (!/^[1-9]\d{0,15}$/.test(id) || !exp || !/^\d{1,12}$/.test(exp) || !sig || !SIG.test(sig)) return "forbidden";
      // Same length (43 characters) on both sides, compared in constant time.
      if (!timingSafeEqual(Buffer.from(sig), Buffer.from(sign(id, exp)))) return "forbidden";
      return Number(exp) < nowSeconds() ? "expired" : "ok";
    },
  };
}

/** The settings key of the link secret generated at first start. */
export const SETTING_FILE_LINK_SECRET = "files.link_secret";

/**
 * The secret links are signed with: FILES_LINK_SECRET when configured, else a random one created at first
 * start and kept in the `settings` table. Kept in the database, it is the same for every instance sharing
 * it (several webhook instances behind a load balancer verify each other's links) and survives restarts,
 * with nothing to configure; it goes with the database in backups, as the files themselves do. Of two
 * instances starting for the first time at once, the first to write wins and both read it back.
 */
export async function fileLinkSecret(db: Executor, now: Date, configured?: string): Promise<string> {
  if (configured) return configured;
  await db
    .insertInto("settings")
    .values({ key: SETTING_FILE_LINK_SECRET, value: randomBytes(32).toString("base64url"), updated_at: now.toISOString() })
    .onConflict((oc) => oc.column("key").doNothing())
    .execute();
  const row = await db.selectFrom("settings").select("value").where("key", "=", SETTING_FILE_LINK_SECRET).executeTakeFirstOrThrow();
  return row.value;
}
