import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/**
 * The folder that holds package.json and locales/: this file's nearest ancestor that has both. Under tsx
 * this file is src/paths.ts (one level down); once built it is dist/src/paths.js (two levels down), so a
 * path written relative to the source file would miss the texts in the built program.
 */
export function findProjectRoot(from: string = dirname(fileURLToPath(import.meta.url))): string {
  for (let dir = from; ; ) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "locales"))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bcd-bot: no folder above ${from} holds package.json and locales/`);
    dir = parent;
  }
}

/** The project's root folder, found once; package.json and locales/ live there, whether run from src or dist. */
export const PROJECT_ROOT = findProjectRoot();
