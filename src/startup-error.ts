/**
 * Why the program cannot start, said in one line in the operator's language: `code` is a key of
 * locales/<lng>/startup.json and `params` fill it. main.ts prints it and exits non-zero, without a stack.
 */
export class StartupError extends Error {
  override name = "StartupError";
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(`startup:${code} ${JSON.stringify(params)}`);
  }
}
