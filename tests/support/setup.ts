import { afterEach, expect } from "vitest";
import { missingPlaceholders } from "../../src/i18n/interpolate.js";

// No message or file the bot makes may carry an unfilled {{placeholder}}: a translation asked for without one of
// its values fails the test that made it (whatever app or document it was for).
afterEach(() => {
  const missing = missingPlaceholders.splice(0);
  expect(missing, "translations filled without a value for these placeholders").toEqual([]);
});
