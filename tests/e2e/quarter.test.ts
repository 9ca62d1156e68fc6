import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { addDays } from "../../src/core/cycle/local-time.js";
import { formatDateTime } from "../../src/i18n/format.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { E2E, names, users } from "../support/e2e.js";

/** One task of the Finance department (the member's), reported each quarter. */
const TASKS_CSV = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-05;Tỷ lệ hồ sơ xử lý trực tuyến;49-NQ/TU;Sở Tài chính;tỷ lệ;80;;31/12/2027;hằng quý",
].join("\n");
const TZ = "Asia/Ho_Chi_Minh";
/** A moment given as Hanoi local time ("2027-01-04 08:00"). */
const hanoi = (local: string) => new Date(`${local.replace(" ", "T")}:00+07:00`);

/**
 * A whole quarter (Q1 2027, across Tết) played forward one local day at a time through the fake Bot API: the
 * scheduler ticks at 08:00, 12:00 and 18:00 and the outbox is delivered before the clock moves on. Reports are due
 * 10/02/2027, inside the Tết break (05/02–11/02 with the days in lieu), a committee day off on 29/01 moves a nudge,
 * and along the way come a notice, a request for opinions and the regular meeting of 25/03.
 */
describe("a quarter left alone", () => {
  let e2e: E2E;
  let committeeId: number;

  beforeAll(async () => {
    e2e = await E2E.startLinked(["chair", "standing", "deputy", "member", "secretary"]);
    committeeId = (await e2e.core.committees.require("LS")).id;
    const secretary = await e2e.actorOf(users.secretary);
    await e2e.core.cycle.set(secretary, committeeId, "period.due_month", "2");
    await e2e.core.cycle.set(secretary, committeeId, "period.due_day", "10");
    await e2e.core.cycle.dayOff(secretary, committeeId, "29/01/2027", "Hội nghị tổng kết năm của tỉnh");
    await e2e.core.tasks.importCsv(cliActor, committeeId, TASKS_CSV);
    e2e.clock.set(hanoi("2027-01-01 00:30"));
    await e2e.core.cycle.ensurePlanner(committeeId);
  }, 30_000);
  afterAll(() => e2e?.stop());

  /** The scheduler ticks, and every message due by now is delivered before the clock moves on. */
  async function tickAt(at: Date): Promise<void> {
    e2e.clock.set(at);
    await e2e.app.scheduler.tick();
    const db = e2e.app.database.db;
    await e2e.until(async () => {
      const due = await db.selectFrom("outbox").select("id").where("status", "in", ["pending", "sending"]).where("not_before", "<=", e2e.clock.now().toISOString()).where("held_since", "is", null).execute();
      return due.length === 0;
    }, 15_000);
  }
  /** The bundled nudges each person received: the local send time of each. */
  async function nudgesOf(key: keyof typeof names): Promise<string[]> {
    const actor = await e2e.actorOf(users[key]);
    const rows = await e2e.app.database.db
      .selectFrom("outbox")
      .select("sent_at")
      .where("template", "=", "cycle:nudge.bundle")
      .where("person_id", "=", actor.personId)
      .where("status", "=", "sent")
      .orderBy("sent_at")
      .execute();
    return rows.map((r) => formatDateTime(r.sent_at!, TZ));
  }
  /** When the messages of a template reached a person, in local time. */
  async function sentAt(template: string, key: keyof typeof names): Promise<string[]> {
    const actor = await e2e.actorOf(users[key]);
    const rows = await e2e.app.database.db.selectFrom("outbox").select("sent_at").where("template", "=", template).where("person_id", "=", actor.personId).where("status", "=", "sent").orderBy("sent_at").execute();
    return rows.map((r) => formatDateTime(r.sent_at!, TZ));
  }
  const at8 = (...days: string[]) => days.map((d) => `${d}/2027 08:00`);
  const press = async (key: keyof typeof names, label: string) => {
    const m = [...e2e.tg.transcript(users[key].id)].reverse().find((x) => FakeTelegram.buttons(x).some((b) => b.text === label));
    if (!m) throw new Error(`no «${label}» for ${key}: ${JSON.stringify(e2e.tg.transcript(users[key].id).slice(-3).map((x) => [x.text ?? x.caption, FakeTelegram.buttons(x).map((b) => b.text)]))}`);
    const before = e2e.tg.answeredCallbacks.length;
    e2e.tg.pressButton(users[key], m, FakeTelegram.buttons(m).find((b) => b.text === label)!.callback_data!);
    await e2e.tg.waitFor(() => e2e.tg.answeredCallbacks.length > before);
  };

  it("nudges each person only on working days at 08:00, at most once a day, with exactly what they owe", async () => {
    const secretary = await e2e.actorOf(users.secretary);
    let overdueDrill = "";
    for (let day = "2027-01-01"; day <= "2027-03-31"; day = addDays(day, 1)) {
      await tickAt(hanoi(`${day} 08:00`));
      if (day === "2027-01-04") {
        // The planner's draft of the regular meeting (Thursday 25/03 14:00) is confirmed: the invitations go out.
        const [draft] = await e2e.core.cycle.drafts(secretary, committeeId);
        expect(draft).toMatchObject({ quarter: "2027-Q1", starts_at: hanoi("2027-03-25 14:00").toISOString() });
        await e2e.core.cycle.confirmDraft(secretary, draft!.id, { title: "Phiên họp thường kỳ quý I/2027", agenda: "1. Kết quả quý I", place: "Phòng họp số 1" });
      }
      if (day === "2027-01-18") {
        e2e.clock.set(hanoi(`${day} 10:00`));
        await e2e.core.notices.send(secretary, { committeeId, body: "<b>Kế hoạch chuyển đổi số năm 2027</b>", audience: { kind: "all" }, ackRequired: true, ackDeadline: hanoi("2027-01-21 17:00") });
      }
      if (day === "2027-01-20") {
        await press("member", "1. ✅ Đã nhận");
      }
      if (day === "2027-03-01") {
        e2e.clock.set(hanoi(`${day} 10:00`));
        await e2e.core.opinions.create(secretary, { committeeId, title: "Dự thảo Quy chế làm việc", body: "Dự thảo", questions: ["Đồng ý?"], deadline: hanoi("2027-03-08 17:00"), audience: { kind: "all" } });
      }
      if (day === "2027-03-03") {
        // Straight from the bundle to the request's card, and the answer.
        await press("member", "1. ✍️ Cho ý kiến");
        await e2e.tg.waitFor(() => [...e2e.tg.transcript(users.member.id)].reverse().find((x) => FakeTelegram.buttons(x).some((b) => b.text === "1 · Đồng ý")));
        await press("member", "1 · Đồng ý");
      }
      if (day === "2027-03-19") await press("member", "1. Tham dự");
      // A restart mid-quarter, the morning after a nudge: nothing lost, nothing doubled.
      if (day === "2027-02-03") await e2e.restart();
      if (day === "2027-02-15" || day === "2027-02-22") {
        const digest = [...e2e.tg.transcript(users.chair.id)].reverse().find((m) => (m.caption ?? "").includes("BÁO CÁO TUẦN"));
        expect(digest?.photo).toBeDefined();
        expect(digest?.caption?.includes("Quá hạn sau 3 lần nhắc: 1 người chưa báo cáo")).toBe(day === "2027-02-22");
        if (day === "2027-02-22") {
          await press("chair", "Quá hạn sau 3 lần nhắc");
          overdueDrill = await e2e.tg.waitFor(() => e2e.tg.transcript(users.chair.id).map((m) => m.text ?? "").find((t) => t.startsWith("Quá hạn sau 3 lần nhắc")));
        }
      }
      await tickAt(hanoi(`${day} 12:00`));
      await tickAt(hanoi(`${day} 18:00`));
    }
    // Reports due Wednesday 10/02, inside Tết (05/02–11/02 off): −7, −3, −1 working days and the day itself fall on
    // 25/01 (26/01 but for the committee's day off on 29/01), 01/02, 03/02 and 04/02 (the last working day before
    // the break); overdue every 2 working days after it: 15/02, 17/02, 19/02. The notice (acknowledged from the
    // bundle on 20/01), the opinion (given from it on 03/03) and the invitation (answered on 19/03) stop there.
    expect(await nudgesOf("member")).toEqual(at8("20/01", "25/01", "01/02", "03/02", "04/02", "15/02", "17/02", "19/02", "03/03", "19/03"));
    // The chair attends by right; the notice is nudged the day before its deadline and on the day, the opinion
    // 3 and 1 working days before and on the day.
    expect(await nudgesOf("chair")).toEqual(at8("20/01", "21/01", "03/03", "05/03", "08/03"));
    // The deputies never answer the invitation: 5 days before the meeting (a Saturday, so Friday 19/03) and 2 days before.
    for (const key of ["standing", "deputy"] as const) expect(await nudgesOf(key)).toEqual(at8("20/01", "21/01", "03/03", "05/03", "08/03", "19/03", "23/03"));
    // The secretary wrote the notice and the request: owes nothing.
    expect(await nudgesOf("secretary")).toEqual([]);
    // What each read on Telegram: one message per nudge (the member's invitation answered from one was edited into
    // the invitation's card; a notice acknowledged from one leaves it as it is), and no other nudge.
    for (const key of ["member", "chair", "standing", "deputy"] as const) {
      const actor = await e2e.actorOf(users[key]);
      const ids = await e2e.app.database.db.selectFrom("outbox").select("external_message_id").where("template", "=", "cycle:nudge.bundle").where("person_id", "=", actor.personId).where("status", "=", "sent").execute();
      const chat = e2e.tg.transcript(users[key].id);
      expect(new Set(ids.map((r) => Number(r.external_message_id))).size).toBe((await nudgesOf(key)).length);
      for (const r of ids) expect(chat.some((m) => m.message_id === Number(r.external_message_id))).toBe(true);
      const headed = chat.filter((m) => (m.text ?? "").includes("VIỆC CẦN XỬ LÝ HÔM NAY")).length;
      expect(headed).toBe((await nudgesOf(key)).length - (key === "member" ? 1 : 0));
    }

    // The leaders' digest every Monday 08:00 of the open period; Tết week's on Friday 12/02, the first working day.
    const digestDays = await sentAt("cycle:digest.summary", "chair");
    expect(digestDays).toEqual(at8("04/01", "11/01", "18/01", "25/01", "01/02", "12/02", "15/02", "22/02", "01/03", "08/03", "15/03", "22/03", "29/03"));
    // From 22/02 it names the member still overdue after three nudges, and its button shows who and since when.
    expect(overdueDrill).toContain("Lương Văn Đức (Sở Tài chính): NQ49-05 · Tỷ lệ hồ sơ xử lý trực tuyến — quá hạn 11 ngày");
    // The meeting soon: 2 hours before, to the two attending.
    expect(await sentAt("cycle:soon.reminder", "chair")).toEqual(["25/03/2027 12:00"]);
    expect(await sentAt("cycle:soon.reminder", "member")).toEqual(["25/03/2027 12:00"]);
    expect(await sentAt("cycle:soon.reminder", "deputy")).toEqual([]);
  }, 600_000);
});
