// Points the app's Content-Security-Policy in vercel.json at the API it is built for, before `vercel build`:
// `node scripts/vercel-api.mjs https://api.example.com` (the deploy workflow passes VITE_API_URL's origin). The
// page may then fetch from and open WebSockets to that origin alone, besides its own.
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const file = fileURLToPath(new URL("../vercel.json", import.meta.url));
const api = new URL(process.argv[2] ?? "");
if (api.protocol !== "https:") throw new Error(`the API must be served over https: ${api}`);
const socket = `wss://${api.host}`;
const config = JSON.parse(readFileSync(file, "utf8"));
let replaced = 0;
for (const rule of config.headers) {
  for (const header of rule.headers) {
    if (header.key !== "Content-Security-Policy") continue;
    header.value = header.value.replace(/connect-src [^;]*/, `connect-src 'self' ${api.origin} ${socket}`);
    replaced += 1;
  }
}
if (replaced !== 1) throw new Error("vercel.json has no Content-Security-Policy to point at the API");
writeFileSync(file, JSON.stringify(config, null, 2) + "\n");
console.log(`connect-src: 'self' ${api.origin} ${socket}`);
