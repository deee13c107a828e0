// @ts-check
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["node_modules/**", ".cache/**", "coverage/**", "dist/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: "readonly", console: "readonly" } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": "off",
    },
  },
  {
    // The core is pure: no file system, no processes, no network, no environment.
    files: ["src/core/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [
                "node:fs*",
                "fs",
                "fs/*",
                "node:child_process",
                "child_process",
                "node:http*",
                "probot",
                "@aws-sdk/*",
                "octokit",
                "@octokit/*",
              ],
              message: "src/core is pure: do I/O in src/cli, src/github or src/aws and pass data in.",
            },
          ],
        },
      ],
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "src/core takes configuration as parameters." },
      ],
    },
  },
);
