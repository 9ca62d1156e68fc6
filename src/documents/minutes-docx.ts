import { AlignmentType, Document, Packer, type Paragraph, type Table } from "docx";
import type { AbsentLine, MinutesView, PersonLine } from "../core/meetings/minutes.js";
import { toPlainText } from "../core/markup.js";
import { formatDateTime } from "../i18n/format.js";
import type { TFunction } from "../i18n/index.js";
import {
  A4,
  BODY,
  centred,
  decreeDateParts,
  documentHeader,
  dotted,
  FONT,
  localDate,
  MARGINS,
  pageNumberHeaders,
  para,
  rule,
  run,
  TEXT_WIDTH,
  twoColumns,
} from "./decree30.js";

/** "Nguyễn Văn A, Giám đốc Sở Tài chính": the position and its body without a comma between them. */
export function personText(p: PersonLine): string {
  const office = [p.title, p.organization].filter(Boolean).join(" ");
  return office ? `${p.name}, ${office}` : p.name;
}

/**
 * The minutes draft (biên bản) of a meeting as a Word document, laid out as form 1.9 of Appendix III to Decree
 * 30/2020/NĐ-CP: the two-column header with the number and the place and date, the title, numbered sections,
 * "- Đồng chí …;" lists, and the THƯ KÝ and CHỦ TRÌ signatures, for the secretariat to finish in Word.
 * Wording comes from locales/<lng>/minutes.json.
 */
export async function minutesDocx(t: TFunction, v: MinutesView): Promise<Buffer> {
  const m = v.meeting;
  const c = v.committee;
  const plain = (key: string, params: Record<string, string | number> = {}) => toPlainText(t(key, params));
  const start = localDate(m.startsAt, m.timeZone);
  const date = formatDateTime(m.startsAt, m.timeZone).slice(0, 10);
  const pad = (n: number) => String(n).padStart(2, "0");

  const text = (s: string, o: Parameters<typeof run>[1] = {}) => para([run(s, o)]);
  const heading = (s: string) => para([run(s, { bold: true })], { align: AlignmentType.LEFT, indent: false, before: 120, keepNext: true });
  /** "- Đồng chí …;" items, the last ending with a full stop. */
  const items = (lines: string[]) => lines.map((l, i) => text(`- ${l}${i === lines.length - 1 ? "." : ";"}`));
  const comrade = (p: PersonLine) => plain("minutes:comrade_line", { person: personText(p) });
  const absentLine = (a: AbsentLine) => plain(`minutes:absent_line.${a.reported}`, { member: personText(a), reason: a.reason ?? "", consent: plain(`minutes:consent.${a.consent}`) });

  let n = 0;
  const next = () => ++n;
  const group = (key: string, lines: string[]) => (lines.length ? [text(plain(key, { n: next(), count: lines.length })), ...items(lines)] : []);
  const chairOffice = [personText(v.chair), v.chair.role ? plain(`minutes:chair_role.${v.chair.role}`) : ""].filter(Boolean).join(", ");
  const form = m.place && m.onlineLink ? "hybrid" : m.onlineLink ? "online" : "in_person";

  const body: (Paragraph | Table)[] = [
    documentHeader({
      governingBody: c.governingBody,
      issuingBody: c.name,
      number: c.codePrefix ? plain("minutes:number", { prefix: c.codePrefix }) : plain("minutes:number_no_prefix"),
      nation: plain("minutes:nation"),
      motto: plain("minutes:motto"),
      placeDate: plain("minutes:place_date", { place: c.placeName ?? plain("minutes:place_blank"), ...decreeDateParts(start.day, start.month, start.year) }),
    }),
    para([run(plain("minutes:title"), { bold: true, size: BODY })], { align: AlignmentType.CENTER, indent: false, before: 360, after: 0 }),
    para([run(m.title, { bold: true })], { align: AlignmentType.CENTER, indent: false, after: 0 }),
    rule(TEXT_WIDTH, 1700, 240),
    heading(plain("minutes:section.time_place")),
    text(plain("minutes:time", { hour: pad(start.hour), minute: pad(start.minute), date })),
    ...(m.place ? [text(plain("minutes:place", { place: m.place }))] : []),
    text(plain(`minutes:form.${form}`)),
    heading(plain("minutes:section.participants")),
    text(plain("minutes:chair", { n: next(), chair: chairOffice })),
    v.secretary ? text(plain("minutes:secretary_line", { n: next(), secretary: personText(v.secretary) })) : dotted(plain("minutes:secretary_blank", { n: next() })),
    ...group("minutes:present", v.present.map(comrade)),
    ...group("minutes:delegates", v.delegates.map((d) => plain("minutes:delegate_line", { delegate: personText(d), member: personText(d.member) }))),
    ...group("minutes:absent", v.absent.map(absentLine)),
    ...group(v.fromAttendance ? "minutes:unconfirmed.attendance" : "minutes:unconfirmed.answers", v.unconfirmed.map(comrade)),
    ...group("minutes:guests", v.guests.map(comrade)),
    ...(v.fromAttendance ? [] : [text(plain("minutes:from_answers"), { italics: true })]),
    heading(plain("minutes:section.content")),
    ...m.agenda
      .split(/\r?\n/)
      .filter((l) => l.trim())
      .map((l) => text(l.trim())),
    dotted(plain("minutes:discussion")),
    dotted(),
    dotted(),
    heading(plain("minutes:section.opinions")),
    ...(v.opinions.length
      ? v.opinions.flatMap((o, i) => [
          para([run(plain("minutes:opinion_of", { n: i + 1, member: personText(o.member), delegate: o.delegateName ?? "—" }), { bold: true })]),
          ...o.opinion
            .split(/\r?\n/)
            .filter((l) => l.trim())
            .map((l) => text(l.trim())),
        ])
      : [text(plain("minutes:no_opinions"))]),
    heading(plain("minutes:section.conclusion")),
    dotted(),
    dotted(),
    dotted(),
    text(plain("minutes:closing")),
    para([], { after: 120 }),
    twoColumns(
      [
        centred(plain("minutes:secretary"), { bold: true }),
        centred(plain("minutes:sign_hint"), { italics: true }, 1400),
        centred(v.secretary?.name ?? "", { bold: true }),
      ],
      [
        centred(plain("minutes:chair_sign"), { bold: true }),
        centred(plain("minutes:sign_hint"), { italics: true }, 1400),
        centred(v.chair.name, { bold: true }),
      ],
      [Math.round(TEXT_WIDTH / 2), TEXT_WIDTH - Math.round(TEXT_WIDTH / 2)],
    ),
    para([run(plain("minutes:recipients"), { bold: true, italics: true, size: 24 })], { align: AlignmentType.LEFT, indent: false, before: 240, after: 0 }),
    ...plain("minutes:recipient_lines")
      .split("\n")
      .map((l) => para([run(l, { size: 22 })], { align: AlignmentType.LEFT, indent: false, after: 0 })),
  ];

  const doc = new Document({
    creator: "bcd-bot",
    title: `${plain("minutes:title")} — ${m.title}`,
    styles: { default: { document: { run: { font: FONT, size: BODY } } } },
    sections: [{ properties: { titlePage: true, page: { size: A4, margin: MARGINS } }, headers: pageNumberHeaders(), children: body }],
  });
  return Packer.toBuffer(doc);
}
