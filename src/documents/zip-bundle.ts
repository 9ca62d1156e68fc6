import { strToU8, Zip, ZipDeflate, ZipPassThrough } from "fflate";

/**
 * One file of a bundle: its name (numbered when written), what the contents list says of it, and a producer of
 * its bytes that answers nothing when there is nothing to put in (a quarter without such a file).
 */
export interface BundlePart {
  /** ASCII-safe name with its extension, without the number: "diem-danh-hop-2026-12-05.xlsx". */
  name: string;
  /** One line for the contents list. */
  title: string;
  produce: () => Promise<Uint8Array | null>;
}

/** A file as written into the bundle. */
export interface BundleEntry {
  name: string;
  title: string;
  size: number;
}

/**
 * A file name as people can type and every unzip tool keeps: Vietnamese letters without their marks ("đ" as
 * "d"), anything but letters, digits, dots and hyphens as one hyphen.
 */
export function asciiFileName(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/g, "d")
    .replace(/Đ/g, "D")
    .replace(/[^A-Za-z0-9.-]+/g, "-")
    .replace(/-{2,}/g, "-")
    .replace(/^[-.]+|-+$/g, "");
}

/**
 * Writes the parts into a ZIP one at a time, in their order: each is produced, numbered ("01-", "02-", … among
 * those that gave bytes), handed to the archive and let go before the next is made, so that a quarter's bundle
 * never holds all its documents in memory at once. Office files and pictures are stored as they are (already
 * compressed); the contents list, written last as "00-<name>", is deflated. `sink` receives the archive's bytes
 * as they come. Every entry carries `mtime`, so the same data gives the same archive.
 */
export async function writeZipBundle(
  parts: readonly BundlePart[],
  contents: { name: string; text: (entries: readonly BundleEntry[]) => string },
  sink: (chunk: Uint8Array) => void,
  mtime: Date,
): Promise<BundleEntry[]> {
  let failure: Error | null = null;
  const zip = new Zip((err, chunk) => {
    if (err) failure = err;
    else sink(chunk);
  });
  const width = Math.max(2, String(parts.length).length);
  const entries: BundleEntry[] = [];
  try {
    for (const part of parts) {
      const bytes = await part.produce();
      if (!bytes) continue;
      const name = `${String(entries.length + 1).padStart(width, "0")}-${part.name}`;
      const file = new ZipPassThrough(name);
      file.mtime = mtime;
      zip.add(file);
      file.push(bytes, true);
      entries.push({ name, title: part.title, size: bytes.byteLength });
      if (failure) throw failure;
    }
    const list = new ZipDeflate(`${"0".repeat(width)}-${contents.name}`, { level: 9 });
    list.mtime = mtime;
    zip.add(list);
    list.push(strToU8(contents.text(entries)), true);
    zip.end();
  } catch (e) {
    zip.terminate();
    throw e;
  }
  if (failure) throw failure;
  return entries;
}
