/** Where core reads the time. Tests pass a fake clock; everything else uses the system clock. */
export type Clock = () => Date;

export const systemClock: Clock = () => new Date();

/** The ISO-8601 UTC form every time column stores. */
export const iso = (d: Date): string => d.toISOString();

export const addMs = (d: Date, ms: number): Date => new Date(d.getTime() + ms);
export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
