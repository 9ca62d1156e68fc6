import { cliActor } from "../core/actor.js";
import type { Core } from "../core/index.js";

/**
 * The demo committee, after the public record (Quyết định 2041/QĐ-UBND of 13/10/2021 on Lạng Sơn's steering
 * committee, its 2022 regulation and Nghị quyết 49-NQ/TU): the chair of the provincial People's Committee,
 * the vice-chair in charge as standing deputy, the Director of Science and Technology (the focal department
 * since the Department of Information and Communications joined it in 2025) as deputy, heads of departments
 * and of the telecom companies as members, the working group as secretariat; and a ward committee below it.
 * The people's names are invented for the demo; the organizations and titles are the record's.
 */
const PROVINCE_ROSTER = [
  "full_name,role,organization,title,phone,email",
  "Hoàng Văn Minh,chair,UBND tỉnh Lạng Sơn,Chủ tịch UBND tỉnh,,",
  "Lương Thị Thu,standing_deputy,UBND tỉnh Lạng Sơn,Phó Chủ tịch UBND tỉnh,,",
  "Nông Đức Hải,deputy,Sở Khoa học và Công nghệ,Giám đốc Sở,,",
  "Vi Văn Tuấn,member,Văn phòng UBND tỉnh,Chánh Văn phòng,,",
  "Chu Thị Lan,member,Sở Tài chính,Giám đốc Sở,,",
  "Lộc Văn Dũng,member,Sở Y tế,Giám đốc Sở,,",
  "Triệu Minh Quân,member,Công an tỉnh,Phó Giám đốc Công an tỉnh,,",
  "Hà Văn Sơn,member,Viettel Lạng Sơn,Giám đốc,,",
  "Mã Thị Hồng,secretariat,Sở Khoa học và Công nghệ,Chuyên viên Phòng Chuyển đổi số,,",
].join("\n");

const WARD_ROSTER = [
  "full_name,role,organization,title,phone,email",
  "Đinh Văn Khánh,chair,UBND phường Lương Văn Tri,Chủ tịch UBND phường,,",
  "Phùng Thị Mai,member,UBND phường Lương Văn Tri,Công chức Văn phòng - Thống kê,,",
].join("\n");

/** Tasks and indicators of the province's digital transformation resolution (49-NQ/TU) for the quarter. */
const TASKS = [
  "Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo",
  "NQ49-01;Tỷ lệ hồ sơ TTHC trực tuyến toàn trình;49-NQ/TU;Văn phòng UBND tỉnh;tỷ lệ;80;;31/12/2026;hằng quý",
  "NQ49-02;Tỷ lệ số hóa hồ sơ, kết quả giải quyết TTHC;49-NQ/TU;Văn phòng UBND tỉnh;tỷ lệ;100;;31/12/2026;hằng quý",
  "NQ49-05;Tỷ lệ văn bản điện tử có ký số;49-NQ/TU;Sở Khoa học và Công nghệ;tỷ lệ;100;;31/12/2026;hằng quý",
  "NQ49-08;Tỷ lệ thanh toán trực tuyến phí, lệ phí TTHC;49-NQ/TU;Sở Tài chính;tỷ lệ;50;;31/12/2026;hằng quý",
  "NQ49-11;Hồ sơ sức khỏe điện tử cho người dân;49-NQ/TU;Sở Y tế;mốc;;;31/12/2026;hằng quý",
  "NQ49-14;Số thôn, bản được phủ sóng 4G;49-NQ/TU;Viettel Lạng Sơn;số lượng;120;thôn, bản;31/12/2026;hằng quý",
].join("\n");

/** The people a visitor can play, by key: each is linked on the web app under the chat `web-<key>`. */
export const DEMO_PEOPLE = [
  { key: "chair", name: "Hoàng Văn Minh", committee: "LS" },
  { key: "standing", name: "Lương Thị Thu", committee: "LS" },
  { key: "member", name: "Vi Văn Tuấn", committee: "LS" },
  { key: "secretariat", name: "Mã Thị Hồng", committee: "LS" },
  { key: "ward", name: "Phùng Thị Mai", committee: "LVT" },
] as const;

export type DemoKey = (typeof DEMO_PEOPLE)[number]["key"];
export const chatOf = (key: string) => `web-${key}`;

/**
 * Seeds an empty database through core, as the CLI would: the two committees, their rosters, every person
 * linked on the web app, the quarter's tasks (which open the reporting period), and a few reports already in.
 */
export async function seedDemo(core: Core): Promise<void> {
  const province = await core.committees.create(cliActor, { code: "LS", name: "Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn", level: "province" });
  const ward = await core.committees.create(cliActor, { code: "LVT", name: "Ban Chỉ đạo chuyển đổi số phường Lương Văn Tri", level: "ward", parentCode: "LS" });
  const invites = [...(await core.roster.importCsv(cliActor, province.id, PROVINCE_ROSTER)).invites, ...(await core.roster.importCsv(cliActor, ward.id, WARD_ROSTER)).invites];
  // Everyone is linked on the web app, so that the committee's messages all reach someone; the picker shows five.
  for (const invite of invites) {
    const key = DEMO_PEOPLE.find((p) => p.name === invite.fullName)?.key ?? `p${invite.personId}`;
    await core.invites.redeem({ channel: "web", externalId: chatOf(key), chatId: chatOf(key), username: null, code: invite.code });
  }
  await core.tasks.importCsv(cliActor, province.id, TASKS);
  const period = await core.periods.find(cliActor, province.id);
  const tasks = await core.tasks.list(cliActor, province.id);
  const report = async (name: string, code: string, status: "on_track" | "behind" | "done", progress: number | null, results: string, obstacles?: string) => {
    const invite = invites.find((i) => i.fullName === name)!;
    const actor = await core.people.actorByChannel("web", chatOf(`p${invite.personId}`));
    const task = tasks.find((t) => t.code === code)!;
    await core.reports.submit(actor!, { taskId: task.id, periodId: period.id, status, progress, results, obstacles: obstacles ?? null });
  };
  await report("Nông Đức Hải", "NQ49-05", "on_track", 92, "92% văn bản đi của các cơ quan cấp tỉnh được ký số.");
  await report("Lộc Văn Dũng", "NQ49-11", "done", 100, "Đã triển khai hồ sơ sức khỏe điện tử tại 100% trạm y tế xã, phường.");
  await report("Hà Văn Sơn", "NQ49-14", "behind", 96, "Đã phủ sóng 96/120 thôn, bản.", "Một số thôn vùng cao chưa có điện lưới để lắp trạm phát sóng.");
}
