// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist-test-*/", "data/", "node_modules/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-restricted-imports": "off",
    },
  },
  {
    // The domain knows no chat platform and no scheduler: channels → core → db, one way.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["grammy", "@grammyjs/*", "axios", "node-cron"], message: "core must not import a chat platform or the scheduler" },
            { group: ["**/channels/**", "**/delivery/**", "**/scheduler/**"], message: "core must not import outer layers" },
          ],
        },
      ],
    },
  },
  {
    // Migrations are frozen in time: they import nothing from the application.
    files: ["db/migrations/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: ["**/src/**"], message: "migrations import nothing from src" }] }],
    },
  },
);
