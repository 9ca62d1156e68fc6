import { InlineKeyboard } from "grammy";
import type { OpinionCard } from "../../../core/opinions/opinions.js";
import { escapeText } from "../../../core/markup.js";
import { formatDateTime } from "../../../i18n/format.js";
import type { TFunction } from "../../../i18n/index.js";

const CODE = { agree: "a", agree_with_comments: "c", disagree: "d" } as const;
export const opinionCb = {
  answer: (recipientId: number, question: number, position: keyof typeof CODE) => `op:${recipientId}:${question}:${CODE[position]}`,
};
export const POSITION_OF: Record<string, keyof typeof CODE> = { a: "agree", c: "agree_with_comments", d: "disagree" };

/** The request as its recipient reads it: the draft, each question with their current answer, and the buttons while open. */
export function renderOpinionCard(t: TFunction, c: OpinionCard, opts: { reminder?: boolean } = {}): { text: string; keyboard: InlineKeyboard | undefined } {
  const lines = [t(opts.reminder ? "opinions:card.reminder_title" : "opinions:card.title", { committee: c.committeeName, title: c.title })];
  if (c.body) lines.push("", c.body);
  if (c.attachment) lines.push("", t("opinions:card.attachment", { name: c.attachment.fileName }));
  c.questions.forEach((q, i) => {
    const a = c.answers[i];
    lines.push("", t("opinions:card.question", { n: i + 1, question: q }));
    if (a) {
      const position = t(`opinions:position.${a.position}`);
      // Assembled as markup here (the position is a translation, the comment typed text): the locale places {{- answer}} as is.
      const answer = a.comment ? `${position} — ${escapeText(a.comment)}` : position;
      lines.push(t("opinions:card.your_answer", { answer }));
    } else lines.push(t("opinions:card.no_answer"));
  });
  lines.push("");
  if (c.withdrawn) lines.push(t("opinions:card.withdrawn"));
  else if (c.open) lines.push(t("opinions:card.deadline", { deadline: formatDateTime(c.deadline, c.timeZone) }));
  else lines.push(t("opinions:card.closed"));
  let keyboard: InlineKeyboard | undefined;
  if (c.open) {
    keyboard = new InlineKeyboard();
    c.questions.forEach((_, i) => {
      const mark = (p: string) => (c.answers[i]?.position === p ? "✅ " : "");
      keyboard!
        .text(`${mark("agree")}${i + 1} · ${t("opinions:position.agree")}`, opinionCb.answer(c.recipientId, i, "agree"))
        .text(`${mark("agree_with_comments")}${i + 1} · ${t("opinions:position.agree_with_comments")}`, opinionCb.answer(c.recipientId, i, "agree_with_comments"))
        .row()
        .text(`${mark("disagree")}${i + 1} · ${t("opinions:position.disagree")}`, opinionCb.answer(c.recipientId, i, "disagree"))
        .row();
    });
  }
  return { text: lines.join("\n"), keyboard };
}
