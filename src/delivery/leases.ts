import type { Config } from "../config.js";
import type { ChannelName } from "../db/schema.js";
import type { Logger } from "../logger.js";
import { createTokenLease, type TokenLease } from "./token-lease.js";

/**
 * One delivery lease per configured bot token, for instances sharing a PostgreSQL database: the lock's name
 * is the token's (hashed), so instances configured with the same token compete for it and different tokens
 * are sent for independently, perhaps from different instances.
 */
export function deliveryLeases(config: Config, logger: Logger): Partial<Record<ChannelName, TokenLease>> {
  const leases: Partial<Record<ChannelName, TokenLease>> = {};
  const { telegram, zalo } = config.apps;
  const url = config.databaseUrl;
  if (telegram) leases.telegram = createTokenLease({ url, name: `delivery:telegram:${telegram.token}`, label: "delivery:telegram", logger });
  if (zalo) leases.zalo = createTokenLease({ url, name: `delivery:zalo:${zalo.token}`, label: "delivery:zalo", logger });
  return leases;
}
