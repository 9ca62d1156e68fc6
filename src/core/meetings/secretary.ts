import type { Executor } from "../../db/database.js";
import type { Actor } from "../actor.js";
import { recordAudit } from "../audit.js";
import type { CoreContext } from "../context.js";
import { DomainError } from "../errors.js";
import { assertCan } from "../permissions.js";

/**
 * Checks that the person may record a committee's minutes: anyone with an active seat on the committee (usually
 * a member of its secretariat). The biên bản names this person as "Thư ký" and in the THƯ KÝ signature.
 */
export async function checkSecretary(db: Executor, committeeId: number, personId: number): Promise<void> {
  const seat = await db
    .selectFrom("memberships")
    .select("id")
    .where("committee_id", "=", committeeId)
    .where("person_id", "=", personId)
    .where("active", "=", 1)
    .executeTakeFirst();
  if (!seat) throw new DomainError("meetings:errors.bad_secretary");
}

/** Names who records the minutes of a meeting (null: not said yet). The secretariat does this. */
export async function setMeetingSecretary(ctx: CoreContext, actor: Actor, meetingId: number, personId: number | null): Promise<void> {
  const meeting = await ctx.db.selectFrom("meetings").select(["id", "committee_id", "secretary_person_id"]).where("id", "=", meetingId).executeTakeFirst();
  if (!meeting) throw new DomainError("meetings:errors.not_found", { id: meetingId });
  assertCan(actor, "meeting.manage", meeting.committee_id);
  await ctx.db.transaction().execute(async (trx) => {
    if (personId !== null) await checkSecretary(trx, meeting.committee_id, personId);
    await trx.updateTable("meetings").set({ secretary_person_id: personId }).where("id", "=", meetingId).execute();
    await recordAudit(trx, actor, ctx.clock(), {
      action: "meeting.secretary",
      objectType: "meeting",
      objectId: meetingId,
      committeeId: meeting.committee_id,
      before: { secretary: meeting.secretary_person_id },
      after: { secretary: personId },
    });
  });
}
