import type { Command } from "commander";
import type { CliMessages } from "./messages.js";
import { withDatabase, type CliIo } from "./session.js";

/**
 * zalo:list: the Zalo bot this installation runs (its numeric id, never the token), its use of this month's
 * quota and how many people it serves against its plan.
 */
export function registerZaloList(
  program: Command,
  deps: { m: CliMessages; io: CliIo; run: (promise: Promise<number>) => Promise<void>; lang: (cmd: Command) => "vi" | "en" | undefined },
): void {
  const { m, io, run, lang } = deps;
  program
    .command("zalo:list")
    .description(m.zaloList.description)
    .action((_opts: unknown, c: Command) =>
      run(
        withDatabase(io, lang(c), async (ctx) => {
          const zalo = ctx.config.apps.zalo;
          if (!zalo) {
            ctx.out(ctx.m.zaloList.none);
            return 0;
          }
          const bot = zalo.token.split(":")[0]!;
          const usage = await ctx.core.zaloQuota.usage(bot);
          const people = await ctx.core.zaloQuota.people();
          const spent = usage.spent || usage.sent >= zalo.quota.monthly;
          ctx.out(
            ctx.m.zaloList.line({
              bot,
              month: `${usage.month.slice(5)}/${usage.month.slice(0, 4)}`,
              sent: usage.sent,
              quota: zalo.quota.monthly,
              percent: `${Math.floor((usage.sent * 100) / zalo.quota.monthly)}%`,
              people,
              maxPeople: zalo.maxPeople,
            }),
          );
          if (spent) ctx.out(ctx.m.zaloList.spent);
          if (people > zalo.maxPeople) ctx.out(ctx.m.zaloList.tooMany);
          return 0;
        }),
      ),
    );
}
