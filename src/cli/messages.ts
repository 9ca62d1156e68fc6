import type { Locale } from "../db/schema.js";

/**
 * The CLI's own wording: command descriptions, table headings and operator notes. Everything a member
 * of a committee could also read (domain errors, import summaries, invite texts) comes from the
 * translator instead, so the bot and the CLI say the same thing.
 */
const vi = {
  program: "Công cụ quản trị Trợ lý Ban Chỉ đạo chuyển đổi số",
  langOption: "ngôn ngữ hiển thị: vi hoặc en (mặc định theo DEFAULT_LOCALE)",
  helpOption: "hiển thị hướng dẫn sử dụng",
  helpCommand: "hiển thị hướng dẫn của một lệnh",
  exitCodes: "Mã thoát: 0 thành công; 1 bị từ chối hoặc có lỗi; 2 sai cú pháp lệnh hoặc sai cấu hình.",
  titles: {
    "Usage:": "Cách dùng:",
    "Options:": "Tùy chọn:",
    "Arguments:": "Tham số:",
    "Commands:": "Lệnh:",
    "Global Options:": "Tùy chọn chung:",
  } as Record<string, string>,

  migrate: {
    description: "áp dụng các migration còn thiếu cho cơ sở dữ liệu",
    applied: (name: string) => `Đã áp dụng migration: ${name}`,
    upToDate: "Cơ sở dữ liệu đã ở phiên bản mới nhất.",
  },
  committeeCreate: {
    description: "tạo Ban Chỉ đạo cấp tỉnh hoặc cấp huyện",
    code: "mã Ban Chỉ đạo, ví dụ LS (2–32 ký tự chữ, số, - hoặc _)",
    name: "tên đầy đủ của Ban Chỉ đạo",
    level: "cấp: province (tỉnh) hoặc district (huyện)",
    parent: "mã Ban Chỉ đạo cấp tỉnh (chỉ cho Ban Chỉ đạo cấp huyện)",
    timeZone: "múi giờ IANA (mặc định theo TIMEZONE, thường là Asia/Ho_Chi_Minh)",
    locale: "ngôn ngữ mặc định của Ban Chỉ đạo: vi hoặc en (mặc định theo DEFAULT_LOCALE)",
    created: (c: { code: string; name: string; level: string; timeZone: string; locale: string }) =>
      `Đã tạo Ban Chỉ đạo ${c.code}: ${c.name} (${c.level}, múi giờ ${c.timeZone}, ngôn ngữ ${c.locale}).`,
  },
  levels: { province: "cấp tỉnh", district: "cấp huyện" },
  committeeList: {
    description: "liệt kê các Ban Chỉ đạo",
    columns: ["Mã", "Tên", "Cấp", "Cấp trên", "Múi giờ"],
    empty: "Chưa có Ban Chỉ đạo nào. Tạo bằng lệnh committee:create.",
  },
  membersImport: {
    description: "nhập hoặc cập nhật danh sách thành viên từ tệp CSV (UTF-8)",
    committee: "mã Ban Chỉ đạo",
    file: "tệp CSV, dòng tiêu đề: full_name,role,organization,title,phone,email",
    invitesOut: "ghi đường liên kết mời của thành viên mới vào tệp CSV này thay vì in ra màn hình",
    cannotRead: (file: string, reason: string) => `Không đọc được tệp ${file}: ${reason}.`,
    cannotWrite: (file: string, reason: string) => `Không ghi được tệp ${file}: ${reason}.`,
    fixAndRerun: "Đề nghị sửa các dòng trên rồi chạy lại lệnh; các dòng đã nhập sẽ không bị nhập trùng.",
    invitesWritten: (count: number, file: string) =>
      `Đã ghi ${count} đường liên kết mời vào tệp ${file}. Đề nghị gửi riêng cho từng người; mỗi liên kết chỉ dùng được một lần.`,
    noInvitesToWrite: (file: string) => `Không có thành viên mới nên không ghi tệp ${file}.`,
    printingInstead: "Các đường liên kết mời được in ra dưới đây để không bị mất:",
    codeColumn: "Mã mời",
  },
  fileErrors: { ENOENT: "không tồn tại", EACCES: "không có quyền truy cập", EISDIR: "đây là thư mục" } as Record<string, string>,
  links: {
    noUsername:
      "Chưa biết tên bot Telegram (bot chưa chạy lần nào và TELEGRAM_BOT_TOKEN chưa được đặt) nên trên đây là mã mời. " +
      "Đường liên kết mời có dạng https://t.me/<tên bot>?start=<mã mời>.",
    getMeFailed: (reason: string) => `Không hỏi được tên bot từ Telegram: ${reason}`,
  },
  membersList: {
    description: "xem danh sách thành viên và tình trạng liên kết tài khoản",
    committee: "mã Ban Chỉ đạo",
    unlinked: "chỉ những người chưa liên kết tài khoản Telegram",
    all: "kể cả người đã thôi tham gia",
    columns: { number: "Số", name: "Họ và tên", role: "Vai trò", organization: "Cơ quan, đơn vị", title: "Chức vụ", telegram: "Telegram", invite: "Liên kết mời", active: "Tình trạng" },
    telegram: { linked: "đã liên kết", unreachable: "đã chặn Trợ lý", not_linked: "chưa liên kết" },
    invite: { open: (expiresAt: string) => `còn hạn đến ${expiresAt}`, expired: "đã hết hạn", none: "—" },
    active: { yes: "đang tham gia", no: "đã thôi tham gia" },
    empty: "Chưa có thành viên nào. Nhập danh sách bằng lệnh members:import.",
  },
  memberNumber: "số thành viên (cột «Số» của members:list)",
  notMemberNumber: "phải là một số nguyên dương",
  membersDeactivate: { description: "ghi nhận thành viên thôi tham gia (hồ sơ vẫn được lưu giữ)" },
  inviteIssue: { description: "cấp (hoặc cấp lại) đường liên kết mời cho một thành viên" },
  inviteRevoke: { description: "thu hồi đường liên kết mời chưa dùng của một thành viên" },
  backup: {
    description: "sao lưu trực tuyến cơ sở dữ liệu SQLite vào một tệp (bot vẫn có thể đang chạy)",
    target: "tệp sao lưu",
    force: "ghi đè nếu tệp sao lưu đã tồn tại",
    postgres: 'Cơ sở dữ liệu là PostgreSQL: hãy sao lưu bằng pg_dump, ví dụ: pg_dump --format=custom --file=bcd-bot.dump "$DATABASE_URL"',
    memory: "Cơ sở dữ liệu :memory: chỉ nằm trong bộ nhớ, không có gì để sao lưu.",
    notFound: (path: string) => `Không tìm thấy tệp cơ sở dữ liệu ${path}.`,
    sameFile: "Tệp sao lưu không được trùng với tệp cơ sở dữ liệu.",
    exists: (file: string) => `Tệp ${file} đã tồn tại; thêm --force để ghi đè.`,
    done: (file: string, pages: number) => `Đã sao lưu cơ sở dữ liệu vào ${file} (${pages} trang).`,
  },
  unexpected: (message: string) => `Lỗi: ${message}`,
};

type Messages = typeof vi;

const en: Messages = {
  program: "Administration tool of the Digital Transformation Steering Committee assistant",
  langOption: "output language: vi or en (default: DEFAULT_LOCALE)",
  helpOption: "display help",
  helpCommand: "display help for a command",
  exitCodes: "Exit codes: 0 success; 1 refused or failed; 2 wrong usage or bad configuration.",
  titles: {},

  migrate: {
    description: "apply the pending database migrations",
    applied: (name) => `Applied migration: ${name}`,
    upToDate: "The database is up to date.",
  },
  committeeCreate: {
    description: "create a provincial or district steering committee",
    code: "committee code, e.g. LS (2–32 letters, digits, - or _)",
    name: "full name of the committee",
    level: "level: province or district",
    parent: "code of the provincial committee (district committees only)",
    timeZone: "IANA time zone (default: TIMEZONE, usually Asia/Ho_Chi_Minh)",
    locale: "the committee's default language: vi or en (default: DEFAULT_LOCALE)",
    created: (c) => `Created committee ${c.code}: ${c.name} (${c.level}, time zone ${c.timeZone}, language ${c.locale}).`,
  },
  levels: { province: "province", district: "district" },
  committeeList: {
    description: "list the committees",
    columns: ["Code", "Name", "Level", "Parent", "Time zone"],
    empty: "No committees yet. Create one with committee:create.",
  },
  membersImport: {
    description: "import or update the members from a CSV file (UTF-8)",
    committee: "committee code",
    file: "CSV file with the header full_name,role,organization,title,phone,email",
    invitesOut: "write the new members' invite links to this CSV file instead of printing them",
    cannotRead: (file, reason) => `Cannot read ${file}: ${reason}.`,
    cannotWrite: (file, reason) => `Cannot write ${file}: ${reason}.`,
    fixAndRerun: "Correct these rows and run the command again; rows already imported will not be duplicated.",
    invitesWritten: (count, file) => `Wrote ${count} invite links to ${file}. Send each one privately to its person; each link works once.`,
    noInvitesToWrite: (file) => `No new members, so ${file} was not written.`,
    printingInstead: "The invite links are printed below so that they are not lost:",
    codeColumn: "Invite code",
  },
  fileErrors: { ENOENT: "no such file", EACCES: "permission denied", EISDIR: "it is a folder" },
  links: {
    noUsername:
      "The bot's Telegram username is not known yet (the bot has never run and TELEGRAM_BOT_TOKEN is not set), so the invite codes are shown. " +
      "The invite link is https://t.me/<bot username>?start=<code>.",
    getMeFailed: (reason) => `Could not get the bot's username from Telegram: ${reason}`,
  },
  membersList: {
    description: "list the members and whether they have linked an account",
    committee: "committee code",
    unlinked: "only members without a linked Telegram account",
    all: "include members who have left",
    columns: { number: "No.", name: "Full name", role: "Role", organization: "Organization", title: "Title", telegram: "Telegram", invite: "Invite", active: "Status" },
    telegram: { linked: "linked", unreachable: "blocked the assistant", not_linked: "not linked" },
    invite: { open: (expiresAt) => `expires ${expiresAt}`, expired: "expired", none: "—" },
    active: { yes: "active", no: "left" },
    empty: "No members yet. Import the list with members:import.",
  },
  memberNumber: "member number (the “No.” column of members:list)",
  notMemberNumber: "must be a positive whole number",
  membersDeactivate: { description: "record that a member has left (their records are kept)" },
  inviteIssue: { description: "issue (or re-issue) a member's invite link" },
  inviteRevoke: { description: "revoke a member's unused invite link" },
  backup: {
    description: "online backup of the SQLite database to a file (the bot may keep running)",
    target: "backup file",
    force: "overwrite the backup file if it exists",
    postgres: 'The database is PostgreSQL: back it up with pg_dump, e.g. pg_dump --format=custom --file=bcd-bot.dump "$DATABASE_URL"',
    memory: "The :memory: database lives only in memory; there is nothing to back up.",
    notFound: (path) => `Database file ${path} not found.`,
    sameFile: "The backup file must not be the database file itself.",
    exists: (file) => `${file} already exists; add --force to overwrite it.`,
    done: (file, pages) => `Backed up the database to ${file} (${pages} pages).`,
  },
  unexpected: (message) => `Error: ${message}`,
};

export type CliMessages = Messages;
export const cliMessages: Record<Locale, CliMessages> = { vi, en };

/** Commander's own error lines, in Vietnamese; English keeps commander's wording. */
const COMMANDER_ERRORS_VI: [RegExp, string][] = [
  [/^error: missing required argument '(.+)'$/m, "lỗi: thiếu tham số bắt buộc '$1'"],
  [/^error: required option '(.+)' not specified$/m, "lỗi: thiếu tùy chọn bắt buộc '$1'"],
  [/^error: option '(.+)' argument missing$/m, "lỗi: tùy chọn '$1' cần một giá trị"],
  [/^error: option '(.+)' argument '(.*)' is invalid\. Allowed choices are (.+)\.$/m, "lỗi: giá trị '$2' của tùy chọn '$1' không hợp lệ; chọn một trong: $3."],
  [/^error: command-argument value '(.*)' is invalid for argument '(.+)'\. (.+)$/m, "lỗi: giá trị '$1' của tham số '$2' không hợp lệ: $3"],
  [/^error: unknown option '(.+)'$/m, "lỗi: không có tùy chọn '$1'"],
  [/^error: unknown command '(.+)'$/m, "lỗi: không có lệnh '$1'"],
  [/^error: too many arguments(?: for '(.+)')?\. Expected (\d+) arguments? but got (\d+)\.$/m, "lỗi: thừa tham số (cần $2, nhận được $3)"],
  [/^\(Did you mean (.+)\?\)$/m, "(Có phải là $1?)"],
];

export function localizeCommanderError(text: string, locale: Locale): string {
  if (locale !== "vi") return text;
  return COMMANDER_ERRORS_VI.reduce((out, [pattern, replacement]) => out.replace(pattern, replacement), text);
}
