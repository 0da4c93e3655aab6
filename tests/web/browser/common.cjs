// What the browser stories share: Chromium's flags here, the API called from Node, signing in through the page,
// and axe-core's check of a screen.
const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

async function api(origin, query, variables, token) {
  const answer = await fetch(`${origin}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const body = await answer.json();
  if (body.errors) throw new Error(`${query.slice(0, 60)}: ${JSON.stringify(body.errors)}`);
  return body;
}

const AXE = require("fs").readFileSync(require.resolve("axe-core/axe.min.js", { paths: [process.env.WEB_MODULES] }), "utf8");

// axe-core's WCAG 2 A and AA rules on the page as it is; the serious and critical findings, named.
async function accessibility(page, screen, report) {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    const result = await window.axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa"] } });
    return result.violations.filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  });
  report.accessibility[screen] = found;
}

async function signIn(page, input, email, password, origin = input.origin) {
  await page.goto(`${origin}/login`);
  await page.fill("input[name=accessCode]", input.code);
  await page.fill("input[name=email]", email);
  await page.fill("input[name=password]", password);
  await page.click("button[type=submit]");
}

// A story's entry: its input as JSON on stdin, its report as one JSON line on stdout, a failure on stderr.
function run(main) {
  let raw = "";
  process.stdin.on("data", (chunk) => (raw += chunk));
  process.stdin.on("end", () => {
    main(JSON.parse(raw)).then(
      (report) => { process.stdout.write(JSON.stringify(report) + "\n"); },
      (error) => { process.stderr.write(String(error && error.stack || error)); process.exit(1); },
    );
  });
}

module.exports = { ARGS, accessibility, api, run, signIn };
