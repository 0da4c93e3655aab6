// ESLint for the web app: the recommended rules of JavaScript, TypeScript (type-aware where cheap) and React's
// hooks. `npm run lint`; CI's web job runs it on every push and pull request.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist", "node_modules", "src/gql"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["src/**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "warn",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    files: ["scripts/**/*.mjs"],  // run by Node at build and deploy time
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly" } },
  },
);
