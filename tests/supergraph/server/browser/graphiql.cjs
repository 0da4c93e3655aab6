// Drives GraphiQL in Debian's headless Chromium as a developer would: open the page, paste the token under
// Headers, run a query, then a subscription, and raise a ticket so an event arrives. Input: JSON on stdin.
// Output: one JSON object on stdout (the results, every URL the page asked for, console errors).
const path = require("path");
const { chromium } = require(path.join(process.env.PLAYWRIGHT_MODULES, "playwright-core"));

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

async function setEditor(page, selector, text) {
  await page.click(`${selector} .CodeMirror`);
  await page.keyboard.press("Control+A");
  await page.keyboard.press("Delete");
  await page.keyboard.insertText(text); // no key events: CodeMirror does not auto-close brackets
  // GraphiQL reads the operations from the editor after a short debounce; until then the run
  // button still sees the starting document's several operations and offers a menu instead.
  await page.waitForTimeout(1000);
}

async function response(page) {
  return page.evaluate(() => document.querySelector(".graphiql-response .CodeMirror").CodeMirror.getValue());
}

async function run(page) {
  await page.click(".graphiql-execute-button");
}

async function waitForResponse(page, predicate, timeout) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const text = await response(page);
    try {
      const value = JSON.parse(text);
      if (predicate(value)) return value;
    } catch (_) { /* still empty or streaming */ }
    if (Date.now() > deadline) throw new Error(`no matching response in ${timeout} ms; last: ${text}`);
    await page.waitForTimeout(100);
  }
}

async function raiseTicket(input, title) {
  const body = {
    query: "mutation($i: CreateTicketInput!) { createTicket(input: $i) { reference } }",
    variables: { i: { itemId: input.itemId, title, description: "Raised while GraphiQL listens." } },
  };
  const answer = await fetch(input.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${input.token}` },
    body: JSON.stringify(body),
  });
  return (await answer.json()).data.createTicket.reference;
}

async function main(input) {
  // A fresh profile directory each run: nothing cached or remembered from an earlier one.
  const browser = await chromium.launchPersistentContext(input.userDataDir, {
    executablePath: "/usr/bin/chromium", args: ARGS,
  });
  const report = { requests: [], sockets: [], consoleErrors: [] };
  const page = await browser.newPage();
  try {
    page.on("request", (request) => report.requests.push(request.url()));
    page.on("console", (message) => message.type() === "error" && report.consoleErrors.push(message.text()));
    const subscribed = new Promise((resolve) => page.on("websocket", (socket) => {
      report.sockets.push(socket.url());
      socket.on("framesent", (frame) => String(frame.payload).includes('"subscribe"') && resolve());
    }));

    await page.goto(input.url, { waitUntil: "load" });
    await page.waitForSelector(".graphiql-execute-button", { timeout: 30000 });
    report.title = await page.title();

    await page.click("button:has-text('Headers')").catch(() => {}); // open when it is not already
    await setEditor(page, ".graphiql-editor-tool .graphiql-editor:not(.hidden)",
      JSON.stringify({ Authorization: `Bearer ${input.token}` }));
    await setEditor(page, ".graphiql-query-editor", input.query);
    await run(page);
    report.query = await waitForResponse(page, (value) => value.data || value.errors, 30000);

    await setEditor(page, ".graphiql-query-editor", input.subscription);
    await run(page);
    await subscribed;
    // The gateway opens the subgraph's subscription on receipt: raise tickets until one event shows.
    report.raised = [];
    for (let attempt = 1; attempt <= 5 && !report.event; attempt++) {
      await page.waitForTimeout(attempt === 1 ? 500 : 0);
      report.raised.push(await raiseTicket(input, `Raised from the browser test #${attempt}`));
      report.event = await waitForResponse(page, (value) => value.data && value.data.notificationAdded, 6000)
        .catch(() => undefined);
    }
  } catch (error) {
    error.message += `\nreport so far: ${JSON.stringify(report)}`;
    throw error;
  } finally {
    if (input.screenshot) await page.screenshot({ path: input.screenshot }).catch(() => {});
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report) + "\n");
}

let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => main(JSON.parse(text)).then(
  () => process.exit(0),
  (error) => { process.stderr.write(String(error && error.stack || error) + "\n"); process.exit(1); },
));
