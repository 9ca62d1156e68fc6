/**
 * A refusal the person can understand: bad input, a missing permission, a stale invite.
 * `code` is an i18n key (namespace:key) and `params` its placeholders; channels translate it.
 * Nothing has been changed when one is thrown.
 */
export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: string,
    readonly params: Record<string, string | number> = {},
  ) {
    super(code);
  }
}
