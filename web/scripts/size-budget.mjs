// The production build's size budget, as a visitor downloads it, gzipped: the first page's script (index-*.js),
// every script together (screens loaded when opened, as the dashboard's charts), and the style sheets. `npm run size` after `npm run build`; CI's web job fails when the app outgrows it. Raise a budget
// in the same change that needs it, with the reason in the commit.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGETS = { "first page .js": 180 * 1024, ".js": 400 * 1024, ".css": 12 * 1024 }; // gzipped bytes
const assets = fileURLToPath(new URL("../dist/assets", import.meta.url));
const totals = { "first page .js": 0, ".js": 0, ".css": 0 };
for (const name of readdirSync(assets)) {
  const kind = [".js", ".css"].find((suffix) => name.endsWith(suffix));
  if (!kind) continue;
  const size = gzipSync(readFileSync(join(assets, name)), { level: 9 }).length;
  totals[kind] += size;
  if (kind === ".js" && name.startsWith("index-")) totals["first page .js"] += size;
}
let over = false;
for (const [kind, size] of Object.entries(totals)) {
  const budget = BUDGETS[kind];
  over ||= size > budget;
  console.log(`${kind} ${(size / 1024).toFixed(1)} KiB gzipped of ${(budget / 1024).toFixed(0)} KiB${size > budget ? "  OVER" : ""}`);
}
if (totals["first page .js"] === 0) throw new Error("no scripts in dist/assets: run `npm run build` first");
process.exit(over ? 1 : 0);
