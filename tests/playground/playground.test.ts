import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { Page } from "playwright-core";
import type { Playground } from "../../src/playground/server.js";
import { hasChromium, launchBrowser, message, openChat, pane, press, startDemo, type } from "./browser.js";

const OPINION = "Văn phòng UBND tỉnh thống nhất với báo cáo quý IV; đề nghị các sở đẩy mạnh thanh toán trực tuyến phí, lệ phí.";

if (!hasChromium) console.warn("tests/playground skipped: /usr/bin/chromium is not installed here (apt-get install chromium; CI installs it)");

describe.skipIf(!hasChromium)("the web playground in a real browser", () => {
  let playground: Playground | undefined;
  let dir: string | undefined;
  let close: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await close?.();
    await playground?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    playground = dir = close = undefined;
  });

  const start = async () => {
    ({ playground, dir } = await startDemo());
    const b = await launchBrowser();
    close = b.close;
    return b.browser;
  };
  /** The secretariat confirms the quarter's meeting, which the cycle proposed: the invitations go out. */
  const confirmMeeting = async (page: Page) => {
    await openChat(page, "secretariat");
    await message(page, "secretariat", "/confirmmeeting 1");
    await type(page, "/confirmmeeting 1 ; Phòng họp số 1, UBND tỉnh Lạng Sơn");
    await message(page, "secretariat", "giấy mời đã được gửi tới 8 đồng chí");
  };

  it("plays a quarter: a proxy with a written opinion, the chair's approval, the roster, a report, the summary with its chart", async () => {
    const browser = await start();
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    await page.goto(playground!.url);
    await confirmMeeting(page);

    // The member sends a delegate, with the written opinion the regulation asks for.
    await openChat(page, "member");
    await message(page, "member", "GIẤY MỜI HỌP");
    await press(page, "member", "Cử người dự thay");
    await message(page, "member", "họ và tên");
    await type(page, "Nông Văn Bình");
    await message(page, "member", "chức vụ của người dự thay");
    await type(page, "Phó Chánh Văn phòng");
    await message(page, "member", "cơ quan, đơn vị của người dự thay");
    await type(page, "Văn phòng UBND tỉnh");
    await message(page, "member", "Số điện thoại hoặc tài khoản");
    await press(page, "member", "Bỏ qua");
    await message(page, "member", "ý kiến bằng văn bản");
    await type(page, OPINION);
    await message(page, "member", "gửi kèm văn bản ý kiến");
    await press(page, "member", "Bỏ qua");
    expect(await (await message(page, "member", "Đề nghị cử người dự họp thay")).innerText()).toContain("Người dự thay: Nông Văn Bình, Phó Chánh Văn phòng, Văn phòng UBND tỉnh");
    await press(page, "member", "Xác nhận gửi");
    await message(page, "member", "Đã gửi đề nghị cử đồng chí Nông Văn Bình dự họp thay");

    // The chair approves it; the member is told.
    await openChat(page, "chair");
    const request = await message(page, "chair", "Đề nghị cử người dự họp thay của đồng chí Vi Văn Tuấn");
    expect(await request.innerText()).toContain(OPINION);
    await press(page, "chair", "Đồng ý");
    await message(page, "chair", "Đã đồng ý.");
    await openChat(page, "member");
    await message(page, "member", "đã đồng ý để đồng chí Nông Văn Bình dự họp thay");

    // The secretariat reads the roster.
    await openChat(page, "secretariat");
    await type(page, "/roster 1");
    const roster = await (await message(page, "secretariat", "Danh sách dự họp")).innerText();
    expect(roster).toContain("dự thay: 1 đã được đồng ý");
    expect(roster).toContain("Nông Văn Bình");

    // The member reports the quarter's progress on the resolution's indicator.
    await openChat(page, "member");
    await type(page, "/report");
    await message(page, "member", "BÁO CÁO TIẾN ĐỘ — Quý IV/2026");
    await press(page, "member", "NQ49-01 · Tỷ lệ hồ sơ TTHC trực tuyến toàn trình");
    await message(page, "member", "Đơn vị chủ trì: Văn phòng UBND tỉnh");
    await press(page, "member", "Báo cáo");
    await message(page, "member", "Bước 1/6");
    await press(page, "member", "Đúng tiến độ");
    await message(page, "member", "Tỷ lệ hoàn thành");
    await type(page, "72");
    await message(page, "member", "Kết quả đạt được");
    await type(page, "1.480 thủ tục hành chính được cung cấp trực tuyến toàn trình");
    await message(page, "member", "Khó khăn, vướng mắc");
    await press(page, "member", "Không có");
    await message(page, "member", "Đề xuất, kiến nghị");
    await press(page, "member", "Không có");
    await message(page, "member", "tài liệu, hình ảnh");
    await press(page, "member", "Không kèm tệp");
    expect(await (await message(page, "member", "Tình trạng: Đúng tiến độ")).innerText()).toContain("Tỷ lệ hoàn thành: 72%");
    await press(page, "member", "Gửi báo cáo");
    await message(page, "member", "Đã ghi nhận báo cáo NQ49-01 (lần 1)");

    // The chair reads the summary, then its chart: a picture the page shows.
    await openChat(page, "chair");
    await type(page, "/summary");
    const summary = await (await message(page, "chair", "TÓM TẮT TÌNH HÌNH — Ban Chỉ đạo chuyển đổi số tỉnh Lạng Sơn")).innerText();
    expect(summary).toContain("4/6 nhiệm vụ đã báo cáo");
    await press(page, "chair", "Biểu đồ tiến độ");
    const chart = pane(page, "chair").locator(".msg img").last();
    await chart.waitFor({ timeout: 15_000 });
    await expect.poll(() => chart.evaluate((img) => {
      const shown = img as unknown as { complete: boolean; naturalWidth: number };
      return shown.complete ? shown.naturalWidth : 0;
    }), { timeout: 15_000 }).toBeGreaterThan(0);
    // Nothing the person typed became markup on the page.
    expect(await page.locator(".msg.person script, .msg.person b").count()).toBe(0);
  }, 180_000);

  it("keeps each person's chat to their own tab, survives a bot restart with its history, and speaks English", async () => {
    const browser = await start();
    const member = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const chair = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await member.goto(`${playground!.url}#member`);
    await chair.goto(`${playground!.url}#chair`);
    await type(member, "xin chào");
    await message(member, "member", "Trợ lý chưa hiểu yêu cầu của đồng chí");
    await type(chair, "/status");
    await message(chair, "chair", "/status");
    // Each tab shows its own person's chat: neither line reached the other.
    await expect.poll(() => pane(chair, "chair").innerText()).not.toContain("xin chào");
    expect(await pane(member, "member").innerText()).not.toContain("/status");
    expect(await member.locator(".pane").count()).toBe(1);

    // The bot stops and starts again on the same demo: the page reconnects and shows the chat so far.
    const port = Number(new URL(playground!.url).port);
    await playground!.stop();
    await expect.poll(() => member.locator("#offline").isVisible()).toBe(true);
    ({ playground } = await startDemo(dir, port));
    await expect.poll(() => member.locator("#offline").isVisible(), { timeout: 15_000 }).toBe(false);
    expect(await pane(member, "member").innerText()).toContain("xin chào");
    await type(member, "/cancel");
    await message(member, "member", "Không có thao tác nào đang dở.");

    // In English: the page's own words and the bot's.
    await member.locator("#language").click();
    await expect.poll(() => member.locator("#people-label").innerText()).toBe("Talk as");
    await expect.poll(() => member.locator("#step-day").innerText()).toBe("Next day");
    await type(member, "hello");
    await message(member, "member", "Sorry, I did not understand that.");
  }, 180_000);

  it("moves the demo clock to the next reminder, and takes a file from the text box's file picker", async () => {
    const browser = await start();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(`${playground!.url}#member`);
    await pane(page, "member").waitFor();
    // Nothing is owed yet on 23/11; Monday 30/11 brings the leaders' weekly digest (to the chair, not the member)...
    await page.locator("#step-reminder").click();
    await expect.poll(() => page.locator("#clock-now").innerText()).toBe("30/11/2026 08:00");
    await openChat(page, "chair");
    await message(page, "chair", "BÁO CÁO TUẦN GỬI LÃNH ĐẠO");
    // ...and the first reminder of the member's reports comes a week before they are due.
    await openChat(page, "member");
    await page.locator("#step-reminder").click();
    await expect.poll(() => page.locator("#clock-now").innerText()).toBe("04/12/2026 08:00");
    const nudge = await (await message(page, "member", "VIỆC CẦN XỬ LÝ HÔM NAY")).innerText();
    expect(nudge).toContain("NQ49-01");
    expect(nudge).not.toContain("NQ49-05");

    // The secretariat sends the task registry as a CSV file: the same import as on Telegram.
    await openChat(page, "secretariat");
    await page.locator("#file").setInputFiles({
      name: "nhiem-vu.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(["Mã;Tên nhiệm vụ;Văn bản;Đơn vị chủ trì;Loại;Mục tiêu;Đơn vị tính;Hạn;Kỳ báo cáo", "NQ49-20;Tỷ lệ người dân có danh tính số;49-NQ/TU;Công an tỉnh;tỷ lệ;70;;31/12/2026;hằng quý"].join("\n")),
    });
    await message(page, "secretariat", "📎 nhiem-vu.csv");
    expect(await (await message(page, "secretariat", "Đã nhập danh mục nhiệm vụ")).innerText()).toContain("thêm mới 1");
  }, 180_000);
});
