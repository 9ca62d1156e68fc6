import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import SQLite from "better-sqlite3";
import { afterEach, beforeEach } from "vitest";
import { runCli } from "../../src/cli.js";

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * A fresh folder and SQLite file per test, the CLI run as an operator would run it (output captured), and
 * direct reads of the file to check what a command changed. Registers its own beforeEach/afterEach.
 */
export function cliSandbox(prefix: string) {
  const box = {
    dir: "",
    dbPath: "",
    env: {} as Record<string, string | undefined>,
    async run(...argv: string[]): Promise<Run> {
      let stdout = "";
      let stderr = "";
      const code = await runCli(argv, { stdout: (s) => (stdout += s), stderr: (s) => (stderr += s), env: box.env });
      return { code, stdout, stderr };
    },
    /** Reads (or writes) the database file directly, as a person checking the result would. */
    withDb<T>(fn: (db: SQLite.Database) => T): T {
      const db = new SQLite(box.dbPath);
      try {
        return fn(db);
      } finally {
        db.close();
      }
    },
  };
  beforeEach(() => {
    box.dir = mkdtempSync(join(tmpdir(), prefix));
    box.dbPath = join(box.dir, "bcd.sqlite");
    box.env = { DATABASE_URL: `file:${box.dbPath}` };
  });
  afterEach(() => rmSync(box.dir, { recursive: true, force: true }));
  return box;
}
