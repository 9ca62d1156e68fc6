import { strFromU8, unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { cliActor } from "../../src/core/actor.js";
import { DAY, HOUR } from "../../src/core/clock.js";
import { drivers, type Driver, type Who } from "../support/drivers.js";

const OPINION = "Sở Tài chính thống nhất với dự thảo kế hoạch; đề nghị bổ sung nguồn kinh phí cho nền tảng dùng chung của tỉnh.";
const TITLE = "Phiên họp Ban Chỉ đạo quý IV/2026";

describe.each(drivers)("attendance and minutes on %s", (_app, start) => {
  let d: Driver;
  afterEach(() => d.stop());
  const db = () => d.e2e.app.database.db;

  /** A meeting in three days: the deputy attends, the member sends a proxy the chair approves, the chair does not answer. */
  const meetingWithAnswers = async () => {
    const committee = await d.e2e.core.committees.require("LS");
    const begins = new Date(d.e2e.clock.now().getTime() + 3 * DAY);
    const { meeting } = await d.e2e.core.meetings.create(cliActor, {
      committeeId: committee.id,
      kind: "regular",
      title: TITLE,
      startsAt: begins,
      endsAt: new Date(begins.getTime() + 2 * HOUR),
      place: "Phòng họp số 1, UBND tỉnh",
      agenda: "1. Kết quả chuyển đổi số quý IV",
    });
    const invitationOf = async (who: Who) =>
      (await db().selectFrom("invitations").select("id").where("meeting_id", "=", meeting.id).where("person_id", "=", (await d.actorOf(who)).personId).executeTakeFirstOrThrow()).id;
    // The answers are not the subject here: they are given through core.
    await d.e2e.core.meetings.attend(await d.actorOf("deputy"), { invitationId: await invitationOf("deputy"), version: 1 });
    const { proxyId } = await d.e2e.core.meetings.proxy(
      await d.actorOf("member"),
      { invitationId: await invitationOf("member"), version: 1 },
      { name: "Nông Văn Bình", title: "Phó Giám đốc", organization: "Sở Tài chính" },
      OPINION,
    );
    await d.e2e.core.meetings.decide(await d.actorOf("chair"), "proxy", proxyId, true);
    return meeting;
  };
  const presences = async (meetingId: number) =>
    Object.fromEntries(
      (await db().selectFrom("attendance as a").innerJoin("people as p", "p.id", "a.person_id").select(["p.full_name", "a.presence", "a.delegate_name"]).where("a.meeting_id", "=", meetingId).execute()).map((r) => [
        r.full_name,
        r.delegate_name ? `${r.presence}: ${r.delegate_name}` : r.presence,
      ]),
    );

  it("the secretariat records who came, from the answers and one tap at a time, then gets the minutes draft", async () => {
    d = await start(["secretary", "chair", "member", "deputy"]);
    const meeting = await meetingWithAnswers();

    // Too early: recording opens two hours before the start, and nothing is recorded.
    await d.say("secretary", `/attendance ${meeting.id}`);
    await d.next("secretary", "Chỉ ghi nhận điểm danh trong vòng 2 tiếng trước giờ họp.");
    await d.say("secretary", "/attendance số một");
    await d.next("secretary", "Đề nghị ghi số cuộc họp (xem /meetings), ví dụ: /attendance 1");

    d.e2e.clock.advance(3 * DAY - HOUR);
    await d.say("secretary", `/attendance ${meeting.id}`);
    expect(await d.next("secretary", `Điểm danh cuộc họp số ${meeting.id}`)).toContain("Có mặt: 0; dự thay: 0; vắng: 0; chưa ghi: 4.");
    await d.choose("secretary", "Điền theo xác nhận tham dự");
    await d.next("secretary", "Đã điền 4 người theo xác nhận tham dự.");
    // The chair is present as he chairs it.
    await d.next("secretary", "Có mặt: 2; dự thay: 1; vắng: 1; chưa ghi: 0.");
    expect(await presences(meeting.id)).toEqual({
      "Hồ Tiến Thiệu": "present",
      "Đoàn Thu Hà": "absent",
      "Nguyễn Hoàng Hà": "present",
      "Lương Văn Đức": "represented: Nông Văn Bình",
    });

    // The standing deputy came after all: one tap on her name passes over "represented" (she sent no proxy) to present.
    await d.choose("secretary", "Đoàn Thu Hà");
    await d.next("secretary", "Có mặt: 3; dự thay: 1; vắng: 0; chưa ghi: 0.");
    // The member came himself rather than his delegate: represented → present.
    await d.choose("secretary", "Lương Văn Đức → Nông Văn Bình");
    await d.next("secretary", "Có mặt: 4; dự thay: 0; vắng: 0; chưa ghi: 0.");
    expect(await presences(meeting.id)).toEqual({ "Hồ Tiến Thiệu": "present", "Đoàn Thu Hà": "present", "Nguyễn Hoàng Hà": "present", "Lương Văn Đức": "present" });
    // What people answered beforehand is kept apart.
    const standingAnswer = await db()
      .selectFrom("invitations as i")
      .innerJoin("people as p", "p.id", "i.person_id")
      .select("i.answer")
      .where("i.meeting_id", "=", meeting.id)
      .where("p.full_name", "=", "Đoàn Thu Hà")
      .executeTakeFirstOrThrow();
    expect(standingAnswer.answer).toBe("none");

    // A member who is not of the secretariat may neither record nor see the minutes.
    await d.say("member", `/attendance ${meeting.id}`);
    await d.next("member", "Đồng chí không có quyền thực hiện thao tác này.");

    // The minutes draft, as a Word document in Vietnamese.
    await d.say("secretary", `/minutes ${meeting.id}`);
    expect(await d.next("secretary", "Dự thảo biên bản cuộc họp")).toContain(TITLE);
    const docx = await d.file("secretary", `bien-ban-hop-${meeting.id}.docx`);
    const words = strFromU8(unzipSync(new Uint8Array(docx))["word/document.xml"]!).replace(/<[^>]+>/g, "");
    expect(words).toContain("BIÊN BẢN");
    expect(words).toContain(TITLE);
    expect(d.e2e.logs.filter((l) => l.includes("update handling failed"))).toEqual([]);
  });

  it("the sheet of a large meeting comes in pages", async () => {
    d = await start(["secretary"]);
    const rows = Array.from({ length: 30 }, (_, i) => `Thành viên ${i + 1},member,Đơn vị ${i + 1},Giám đốc,,`);
    await d.e2e.core.roster.importCsv(cliActor, 1, ["full_name,role,organization,title,phone,email", ...rows].join("\n"));
    const begins = new Date(d.e2e.clock.now().getTime() + HOUR);
    const { meeting } = await d.e2e.core.meetings.create(cliActor, { committeeId: 1, kind: "regular", title: TITLE, startsAt: begins, endsAt: new Date(begins.getTime() + 2 * HOUR), place: "Phòng họp số 1", agenda: "1. Kết quả", answerDeadline: new Date(begins.getTime() - HOUR / 2) });
    await d.say("secretary", `/attendance ${meeting.id}`);
    expect(await d.next("secretary", "(trang 1/2)")).toContain("chưa ghi: 34.");
    await d.choose("secretary", "▶️");
    await d.next("secretary", "(trang 2/2)");
    // A tap on a name on the second page keeps the sheet on that page.
    await d.choose("secretary", "Thành viên 30");
    expect(await d.next("secretary", "Có mặt: 1;")).toContain("(trang 2/2)");
    expect(await db().selectFrom("attendance").select("presence").execute()).toEqual([{ presence: "present" }]);
  });
});
