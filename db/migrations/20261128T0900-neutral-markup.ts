import type { Kysely } from "kysely";

// Frozen in time: notice bodies and opinion drafts were stored as Telegram HTML; they are now stored in the
// bot's neutral markup (a subset of HTML every app can print). The columns lose their "_html" suffix, and the
// few Telegram-only forms are rewritten: a spoiler becomes plain text, an expandable quotation a quotation,
// and a code block's language is dropped.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDb = Kysely<any>;

const TABLES = ["notices", "opinion_requests"] as const;

/** Telegram HTML to the neutral markup, for what the Telegram receiver wrote until now. */
function toNeutral(html: string): string {
  return html
    .replace(/<\/?tg-spoiler>/g, "")
    .replace(/<span class="tg-spoiler">([\s\S]*?)<\/span>/g, "$1")
    .replace(/<blockquote expandable>/g, "<blockquote>")
    .replace(/<pre><code class="language-[^"]*">([\s\S]*?)<\/code><\/pre>/g, "<pre>$1</pre>");
}

export async function up(db: AnyDb): Promise<void> {
  for (const table of TABLES) {
    await db.schema.alterTable(table).renameColumn("body_html", "body").execute();
    const rows = (await db.selectFrom(table).select(["id", "body"]).execute()) as { id: number; body: string }[];
    for (const row of rows) {
      const body = toNeutral(row.body);
      if (body !== row.body) await db.updateTable(table).set({ body }).where("id", "=", row.id).execute();
    }
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of TABLES) await db.schema.alterTable(table).renameColumn("body", "body_html").execute();
}
