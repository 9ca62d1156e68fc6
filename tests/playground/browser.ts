import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { createLogger } from "../../src/logger.js";
import { startPlayground, type Playground } from "../../src/playground/server.js";

/** Debian's chromium: the browser the playground's tests drive (CI installs it; see .ci/run). */
export const CHROMIUM = "/usr/bin/chromium";
export const hasChromium = existsSync(CHROMIUM);

/** Chromium headless in a new, empty profile, with nothing that reaches the network by itself. */
export async function launchBrowser(): Promise<{ browser: Browser; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), "bcd-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  // Chromium's persistent context has its browser: each newPage of it opens a tab in a context of its own.
  const browser = context.browser();
  if (!browser) throw new Error("chromium started without a browser object");
  return {
    browser,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** The playground on a demo folder of its own (port chosen by the system), logging only errors. */
export async function startDemo(dir = mkdtempSync(join(tmpdir(), "bcd-playground-")), port = 0): Promise<{ playground: Playground; dir: string }> {
  const logger = createLogger({ level: "error", pretty: false, secrets: [] });
  return { playground: await startPlayground({ dir, host: "127.0.0.1", port, logger }), dir };
}

/** The pane of a person's chat. */
export const pane = (page: Page, key: string) => page.locator(`.pane[data-chat="web-${key}"]`);

/** Picks a person and waits for their chat to show a message containing `text`; returns that message. */
export async function openChat(page: Page, key: string) {
  await page.locator(`#people button[data-person="${key}"]`).click();
  return pane(page, key);
}

/** The latest message of the person's chat containing `text`, once it is there. */
export async function message(page: Page, key: string, text: string) {
  const m = pane(page, key).locator(".msg", { hasText: text }).last();
  await m.waitFor({ timeout: 10_000 });
  return m;
}

/** Presses the button whose label ends with `label` on the latest message offering it. */
export async function press(page: Page, key: string, label: string) {
  const endsWith = new RegExp(`${label.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}$`);
  const b = pane(page, key).locator(".msg .buttons button", { hasText: endsWith }).last();
  await b.waitFor({ timeout: 10_000 });
  await b.click();
}

/** Types a line into the composer and sends it. */
export async function type(page: Page, text: string) {
  await page.locator("#text").fill(text);
  await page.locator("#send").click();
}
