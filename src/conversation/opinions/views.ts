import { escapeText } from "../../core/markup.js";
import type { OpinionCard } from "../../core/opinions/opinions.js";
import { formatDateTime } from "../../i18n/format.js";
import type { TFunction } from "../../i18n/index.js";
import { buttonLabel as label, buttonRows, type Message } from "../message.js";
import { opinionActions as A } from "./actions.js";

type Position = "agree" | "agree_with_comments" | "disagree";

/** The request as its recipient reads it: the draft, each question with their current answer, and the buttons while open. */
export function opinionCardView(t: TFunction, c: OpinionCard, opts: { reminder?: boolean } = {}): Message {
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
  if (!c.open) return { text: lines.join("\n") };
  const rows = c.questions.flatMap((_, question) => {
    const button = (position: Position) => {
      const mark = c.answers[question]?.position === position ? "✅ " : "";
      return [`${mark}${question + 1} · ${label(t(`opinions:position.${position}`))}`, A.answer.data({ recipientId: c.recipientId, question, position })] as [string, string];
    };
    return [[button("agree"), button("agree_with_comments")], [button("disagree")]];
  });
  return { text: lines.join("\n"), buttons: buttonRows(...rows) };
}
