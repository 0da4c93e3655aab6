// From a page of each origin given, calls the gateway as the web app would: a JSON POST (the browser sends its
// CORS preflight first, for the JSON content type and the Authorization header) and a graphql-transport-ws socket
// (sent no token: a socket that opens is then closed 4401 by the token check, one refused never opens).
// Input: JSON on stdin {gateway, pages: [url], userDataDir}. Output: one JSON object, what each page could do.
const path = require("path");
const { chromium } = require(path.join(process.env.PLAYWRIGHT_MODULES, "playwright-core"));

const ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
];

async function attempt(gateway) {
  const result = { fetched: null, fetchError: null, requestId: null, socketOpened: false, closeCode: null };
  try {
    const answer = await fetch(`${gateway}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer not-a-token-anyone-checks-here" },
      body: JSON.stringify({ query: "query Ping { __typename }" }),
    });
    result.fetched = await answer.json();
    result.requestId = answer.headers.get("x-request-id");
  } catch (error) {
    result.fetchError = String(error);
  }
  await new Promise((resolve) => {
    const socket = new WebSocket(`${gateway.replace("http", "ws")}/graphql`, "graphql-transport-ws");
    const timer = setTimeout(() => { socket.close(); resolve(); }, 5000);
    socket.onopen = () => {
      result.socketOpened = true;
      socket.send(JSON.stringify({ type: "connection_init", payload: {} }));
    };
    socket.onclose = (event) => {
      result.closeCode = event.code;
      clearTimeout(timer);
      resolve();
    };
  });
  return result;
}

(async () => {
  const task = JSON.parse(require("fs").readFileSync(0, "utf8"));
  const browser = await chromium.launchPersistentContext(task.userDataDir, {
    executablePath: "/usr/bin/chromium", headless: true, args: ARGS,
  });
  const report = {};
  try {
    for (const url of task.pages) {
      const page = await browser.newPage();
      const consoleErrors = [];
      page.on("console", (message) => { if (message.type() === "error") consoleErrors.push(message.text()); });
      await page.goto(url);
      report[url] = { ...(await page.evaluate(attempt, task.gateway)), consoleErrors };
      await page.close();
    }
  } finally {
    await browser.close();
  }
  process.stdout.write(JSON.stringify(report) + "\n");
})().catch((error) => { console.error(error); process.exit(1); });
