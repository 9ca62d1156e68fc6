import { createCore, type Core } from "../../src/core/index.js";
import { cliActor, loadActorByChannel, type Actor } from "../../src/core/actor.js";
import type { TestDatabase } from "./databases.js";
import { FakeClock } from "./clock.js";

/** Core over a test database with a fake clock and the default settings. */
export function coreFor(db: TestDatabase, clock = new FakeClock()): { core: Core; clock: FakeClock } {
  const core = createCore({
    db: db.handle.db,
    dialect: db.handle.dialect,
    clock: clock.now,
    settings: { defaultLocale: "vi", timeZone: "Asia/Ho_Chi_Minh", inviteTtlDays: 14, proxyOpinionMinLength: 50, quorum: { threshold: 2 / 3, warningDays: 3 } },
  });
  return { core, clock };
}

/** The provincial committee most tests use. */
export async function createProvince(core: Core, code = "LS") {
  return core.committees.create(cliActor, { code, name: "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn", level: "province" });
}

export const ROSTER_CSV = [
  "full_name,role,organization,title,phone,email",
  "Hồ Tiến Thiệu,chair,UBND tỉnh Lạng Sơn,Chủ tịch,0912 345 678,thieu@langson.gov.vn",
  "Đoàn Thu Hà,standing_deputy,UBND tỉnh Lạng Sơn,Phó Chủ tịch,0912345679,ha@langson.gov.vn",
  "Nguyễn Hoàng Hà,deputy,Sở Thông tin và Truyền thông,Giám đốc,,ha.nh@langson.gov.vn",
  "Lương Văn Đức,member,Sở Tài chính,Giám đốc,0987654321,",
  "Phạm Thị Ngọc Ánh,secretariat,Sở Thông tin và Truyền thông,Chuyên viên,0909090909,anh@langson.gov.vn",
].join("\n");

/** The people of ROSTER_CSV by a short key. */
export const ROSTER_PEOPLE = {
  chair: "Hồ Tiến Thiệu",
  standing: "Đoàn Thu Hà",
  deputy: "Nguyễn Hoàng Hà",
  member: "Lương Văn Đức",
  secretary: "Phạm Thị Ngọc Ánh",
} as const;

/**
 * Imports ROSTER_CSV into the committee and links the chosen people's Telegram accounts through their
 * invites, as each would by opening the link; returns them as core actors by key.
 */
export async function linkRoster(
  core: Core,
  db: TestDatabase,
  committeeId: number,
  who: (keyof typeof ROSTER_PEOPLE)[],
): Promise<Record<string, Actor & { kind: "person" }>> {
  const { invites } = await core.roster.importCsv(cliActor, committeeId, ROSTER_CSV);
  const out: Record<string, Actor & { kind: "person" }> = {};
  for (const [i, key] of who.entries()) {
    const id = String(1000 + i);
    const code = invites.find((inv) => inv.fullName === ROSTER_PEOPLE[key])!.code;
    await core.invites.redeem({ channel: "telegram", externalId: id, chatId: id, username: null, code });
    out[key] = (await loadActorByChannel(db.handle.db, "telegram", id))!;
  }
  return out;
}
