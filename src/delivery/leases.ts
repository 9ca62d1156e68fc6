import type { Config } from "../config.js";
import type { ChannelName } from "../db/schema.js";
import type { Logger } from "../logger.js";
import { createTokenLease, type TokenLease } from "./token-lease.js";

/**
 * One delivery lease per app, for instances sharing a PostgreSQL database: the lock's name is the app's token
 * (hashed), so instances configured with the same token compete for it and different tokens are sent for
 * independently, perhaps from different instances. The Zalo app's lease covers the installation's bot and the
 * committees' own bots (`zaloBots`, their numeric ids, as every instance reads them from the database) together:
 * each bot still has its own gate and quota, sent from one instance at a time.
 */
export function deliveryLeases(config: Config, logger: Logger, zaloBots: readonly string[] = []): Partial<Record<ChannelName, TokenLease>> {
  const leases: Partial<Record<ChannelName, TokenLease>> = {};
  const { telegram, zalo } = config.apps;
  const url = config.databaseUrl;
  if (telegram) leases.telegram = createTokenLease({ url, name: `delivery:telegram:${telegram.token}`, label: "delivery:telegram", logger });
  if (zalo || zaloBots.length > 0) {
    const name = `delivery:zalo:${[zalo?.token ?? "", ...[...zaloBots].sort()].join(",")}`;
    leases.zalo = createTokenLease({ url, name, label: "delivery:zalo", logger });
  }
  return leases;
}
