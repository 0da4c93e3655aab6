// The web app in Debian's headless Chromium, as its people use it: a customer and an agent, each in a browser
// context of their own, at the same time. Input: JSON on stdin (origin, access code, password, screenshots
// folder). Output: one JSON object on stdout with what each page showed.
const path = require("path");
const { chromium } = require(path.join(process.env.PLAYWRIGHT_MODULES, "playwright-core"));

// A 1x1 PNG: the API checks an attachment's bytes, not its name.
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

const { ARGS, accessibility, api, run, signIn } = require("./common.cjs");

// A TCP forwarder in front of the gateway for one person's browser: `cut()` drops its connections and refuses new
// ones, as a lost network would; `restore()` lets them through again.
function forwarder(targetPort) {
  const net = require("net");
  const sockets = new Set();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) { client.destroy(); return; }
    const upstream = net.connect(targetPort, "127.0.0.1");
    const end = () => { client.destroy(); upstream.destroy(); sockets.delete(client); sockets.delete(upstream); };
    for (const side of [client, upstream]) { sockets.add(side); side.on("error", end); side.on("close", end); }
    client.pipe(upstream);
    upstream.pipe(client);
  });
  return {
    listen: () => new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server.address().port))),
    cut() { refusing = true; for (const socket of sockets) socket.destroy(); },
    restore() { refusing = false; },
    close() { this.cut(); server.close(); },
  };
}

// While a person's network is cut on purpose, the browser's own reports of the failed requests are expected.
const cut = { customer: false };
const EXPECTED_WHILE_CUT = /net::ERR_|WebSocket connection/;

function watch(page, report, who) {
  page.on("console", (m) => {
    if (m.type() !== "error" || (cut[who] && EXPECTED_WHILE_CUT.test(m.text()))) return;
    report.consoleErrors.push(`${who}: ${m.text()}`);
  });
  page.on("pageerror", (e) => report.consoleErrors.push(`${who}: ${e.message}`));
  page.on("request", (r) => {
    report.requests.push(r.url());
    if (r.method() !== "POST" || !r.url().endsWith("/graphql")) return;
    let body = null;
    if ((r.headers()["content-type"] ?? "").startsWith("multipart/form-data")) {
      // files sent as files: Chromium does not hand a form with files to the page's observers, so only counted
      // (the upload link sends the persisted link's hash alone, as for JSON: web/src/api/upload.test.ts)
      report.multipartPosts += 1;
      return;
    }
    try { body = r.postDataJSON(); } catch { /* not JSON */ }
    // the production build names its operations by their trusted documents' hashes
    report.graphqlPosts.push({ hash: !!body?.extensions?.persistedQuery?.sha256Hash, text: typeof body?.query === "string" });
  });
}

async function main(input) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  const report = { consoleErrors: [], requests: [], graphqlPosts: [], multipartPosts: 0, accessibility: {} };
  let line = null;
  const shot = (page, name) => page.screenshot({ path: path.join(input.screenshots, `${name}.png`), fullPage: true });
  try {
    // The customer reaches the gateway through a forwarder, so her network can be cut.
    line = forwarder(Number(new URL(input.origin).port));
    const customerOrigin = `http://127.0.0.1:${await line.listen()}`;
    report.customerOrigin = customerOrigin;
    // Her page's origin is the forwarder's, while the file links the API signs name the gateway's public origin:
    // her context does not apply the page's CSP to them (the agent's, on the gateway's origin, applies it all).
    const customerContext = await browser.newContext({ locale: "en-US", bypassCSP: true });
    const agentContext = await browser.newContext({ locale: "en-US" });
    const customer = await customerContext.newPage();
    const agent = await agentContext.newPage();
    watch(customer, report, "customer");
    watch(agent, report, "agent");

    // A wrong password: the person reads why, in the browser's language (English before signing in).
    await signIn(customer, input, input.customer, "not-the-password", customerOrigin);
    report.wrongPassword = (await customer.locator("[role=alert]").first().textContent({ timeout: 20000 })).trim();
    await shot(customer, "01-sign-in-refused");
    await accessibility(customer, "sign-in", report);

    // Signed in: their own tickets, in their own language (the demo people speak Spanish).
    await signIn(customer, input, input.customer, input.password, customerOrigin);
    await customer.waitForURL("**/tickets", { timeout: 20000 });
    await customer.waitForSelector("table.tickets tbody tr", { timeout: 20000 });
    report.customerHeading = await customer.locator("h1").textContent();
    report.customerRows = await customer.locator("table.tickets tbody tr").count();
    await shot(customer, "02-customer-tickets");

    await signIn(agent, input, input.agent, input.password);
    await agent.waitForURL("**/queue", { timeout: 20000 });
    await agent.waitForSelector("table.tickets tbody tr", { timeout: 20000 });
    report.agentHeading = await agent.locator("h1").textContent();
    report.agentRowsBefore = await agent.locator("table.tickets tbody tr").count();
    await shot(agent, "03-agent-queue");
    await accessibility(agent, "queue", report);

    // A ticket raised elsewhere shows in the agent's open queue without a reload (the marker would not survive one).
    await agent.evaluate(() => { window.__stillTheSamePage = true; });
    // The customer raises a ticket through the catalogue's form, with a screenshot attached.
    await customer.click("nav a[href='/new']");
    await customer.selectOption("select[name=itemId]", { label: "Hardware failure" });
    await customer.selectOption("select[name=answer-device]", "Monitor");
    await customer.fill("input[name=answer-asset_tag]", "MON-0042");
    await customer.fill("input[name=title]", "Monitor flickers since this morning");
    await customer.fill("textarea[name=description]", "The screen goes dark for a second every few minutes.");
    await customer.setInputFiles("input[name=attachments]", {
      name: "flicker.png", mimeType: "image/png", buffer: Buffer.from(PNG, "base64") });
    await shot(customer, "04-customer-raises");
    report.bannersWhileRaising = await customer.locator(".banner").count(); // nothing was lost: no banner
    await customer.click("form button[type=submit]");
    await customer.waitForSelector("h1 .reference", { timeout: 20000 });
    report.raised = (await customer.locator("h1 .reference").textContent()).trim();
    report.attachments = await customer.locator("section a[href]").allTextContents();
    const began = Date.now();
    await agent.waitForSelector(`tr[data-ticket="${report.raised}"]`, { timeout: 20000 });
    report.liveQueueMs = Date.now() - began;
    report.agentPageKept = await agent.evaluate(() => window.__stillTheSamePage === true);
    await shot(agent, "05-agent-queue-live");

    // The admin gives the new ticket to the agent; both open it from their lists.
    const admin = await api(input.origin, "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
                            { i: { accessCode: input.code, email: input.admin, password: input.password } });
    const ticketId = (await api(input.origin, "query($r: String!) { ticketByReference(reference: $r) { id } }",
                                { r: report.raised }, admin.data.login.accessToken)).data.ticketByReference.id;
    const agentId = (await api(input.origin, "{ me { id } }", {}, (await api(input.origin,
      "mutation($i: LoginInput!) { login(input: $i) { accessToken } }",
      { i: { accessCode: input.code, email: input.agent, password: input.password } })).data.login.accessToken)).data.me.id;
    await api(input.origin, "mutation($id: ID!, $a: ID!) { assignTicket(id: $id, assigneeId: $a) { id } }",
              { id: ticketId, a: agentId }, admin.data.login.accessToken);

    await customer.click("nav a[href='/tickets']");
    await customer.waitForSelector(`tr[data-ticket="${report.raised}"]`, { timeout: 20000 });
    let opened = Date.now();
    await customer.click(`tr[data-ticket="${report.raised}"] a`);
    await customer.waitForSelector("h1 .reference", { timeout: 20000 });
    report.customerTicketMs = Date.now() - opened;
    report.customerTitle = await customer.locator("h1").textContent();
    opened = Date.now();
    await agent.click(`tr[data-ticket="${report.raised}"] a`);
    await agent.waitForSelector("h1 .reference", { timeout: 20000 });
    report.agentTicketMs = Date.now() - opened;
    // The desk's IA panel: the triage once the IA has made it, tickets like it, replies to start from.
    await agent.waitForSelector(".insights dl.triage", { timeout: 30000 });
    report.agentTriage = await agent.locator(".insights dl.triage dt").allTextContents();
    // The search for tickets and replies like it is deferred: its part follows the triage's.
    await agent.waitForSelector(".insights h3 + :is(ul.similar, p:not([role=status]))", { timeout: 30000 });
    report.agentSearched = await agent.locator(".insights [role=status]").count();
    report.customerSeesInsights = await customer.locator(".insights").count();
    // He links it to an earlier ticket by its reference; the link and its history row show at once.
    await agent.fill("input[name=linkOther]", "TKT-2026-000001");
    await agent.click(".desk form:has(input[name=linkOther]) button[type=submit]");
    await agent.waitForSelector(".desk dl.links a:has-text('TKT-2026-000001')", { timeout: 20000 });
    await agent.click(".desk details summary");
    report.agentHistory = await agent.locator(".desk .history li").allTextContents();
    report.customerSeesDesk = await customer.locator(".desk").count();

    const unread = (page) => page.evaluate(() => Number(document.querySelector(".bell .count").dataset.unread));
    report.customerUnreadBefore = await unread(customer);

    // The agent writes an internal note, then a public reply; the customer's page shows the reply alone.
    await agent.fill("textarea[name=body]", "Checked the cable: it is the monitor itself.");
    await agent.check("input[name=internal]");
    await agent.click("form.reply button[type=submit]");
    await agent.waitForSelector("li.comment.internal", { timeout: 20000 });
    await agent.fill("textarea[name=body]", "We are sending you a new monitor today.");
    await agent.click("form.reply button[type=submit]");
    await agent.waitForSelector("li.comment:not(.internal)", { timeout: 20000 });
    await shot(agent, "08-agent-ticket");
    await customer.waitForSelector("li.comment", { timeout: 20000 });
    report.customerComments = await customer.locator("li.comment .body").allTextContents();
    report.agentComments = await agent.locator("li.comment .body").allTextContents();

    // Her bell counts the reply as it arrives; the notification opens the ticket it is about.
    await customer.waitForFunction((n) => Number(document.querySelector(".bell .count").dataset.unread) > n,
                                   report.customerUnreadBefore, { timeout: 20000 });
    report.customerUnreadAfter = await unread(customer);
    await customer.click(".bell > button");
    await customer.waitForSelector("#bell-panel li.unread", { timeout: 20000 });
    report.customerNotices = await customer.locator("#bell-panel li strong").allTextContents();
    await shot(customer, "06-customer-bell");
    await customer.click("#bell-panel li.unread button.link");
    await customer.waitForFunction((n) => Number(document.querySelector(".bell .count").dataset.unread) < n,
                                   report.customerUnreadAfter, { timeout: 20000 });
    report.customerPathAfterNotice = new URL(customer.url()).pathname;
    report.agentUnread = await unread(agent); // the assignment told him

    // They chat both ways: her typing shows on his side, his page reads her message, she sees that he has.
    await customer.waitForSelector(".chat form.send", { timeout: 20000 });
    await agent.waitForSelector(".chat form.send", { timeout: 20000 });
    await customer.click("input[name=chatText]");
    await customer.keyboard.type("Hola, ¿cuándo llega el monitor?", { delay: 30 });
    await agent.waitForSelector(".chat .typing:has-text('Carla Customer')", { timeout: 20000 });
    report.agentSawTyping = (await agent.locator(".chat .typing").textContent()).trim();
    await customer.click(".chat form.send button[type=submit]");
    await agent.waitForSelector(".chat li.theirs .text:has-text('¿cuándo llega el monitor?')", { timeout: 20000 });
    await customer.waitForSelector(".chat .seen", { timeout: 20000 });
    report.customerSeen = (await customer.locator(".chat .seen").textContent()).trim();
    await shot(customer, "07-customer-chat");
    report.customerSystemMessages = await customer.locator(".chat li.system").allTextContents();
    await accessibility(customer, "ticket and chat", report);
    await accessibility(agent, "agent's ticket and chat", report);

    // From his send to the message showing in her browser, message after message.
    await customer.evaluate(() => {
      window.__shown = {};
      new MutationObserver(() => {
        for (const el of document.querySelectorAll(".chat li .text")) {
          if (!(el.textContent in window.__shown)) window.__shown[el.textContent] = Date.now();
        }
      }).observe(document.querySelector(".chat .messages"), { childList: true, subtree: true, characterData: true });
    });
    const sent = {};
    for (let n = 0; n < input.chatMessages; n += 1) {
      const text = `Mensaje de prueba ${n}`;
      await agent.fill("input[name=chatText]", text);
      sent[text] = await agent.evaluate(() => Date.now());
      await agent.click(".chat form.send button[type=submit]");
      await customer.waitForSelector(`.chat li .text:text-is("${text}")`, { timeout: 20000 });
    }
    const shown = await customer.evaluate(() => window.__shown);
    report.chatLatenciesMs = Object.entries(sent).map(([text, at]) => shown[text] - at);
    report.customerChatOrder = (await customer.locator(".chat li.theirs .text").allTextContents())
      .filter((x) => x.startsWith("Mensaje de prueba"));

    // She sends a photo in the chat; it shows on both sides. He corrects one of his messages and deletes another.
    await customer.setInputFiles("input[name=chatFile]", {
      name: "monitor.png", mimeType: "image/png", buffer: Buffer.from(PNG, "base64") });
    await customer.waitForSelector(".chat li.mine img[alt='monitor.png']", { timeout: 20000 });
    await agent.waitForSelector(".chat li.theirs img[alt='monitor.png']", { timeout: 20000 });
    const last = agent.locator(".chat li.mine").last();
    await last.locator("button:has-text('Editar')").click();
    await last.locator("input[name=editText]").fill("Mensaje corregido");
    await last.locator("button[type=submit]").click();
    await agent.waitForSelector(".chat li.mine .text:text-is('Mensaje corregido')", { timeout: 20000 });
    const before = agent.locator(".chat li.mine").nth(-2);
    await before.locator("button:has-text('Eliminar')").click();
    await agent.waitForSelector(".chat li.mine .deleted", { timeout: 20000 });
    report.agentEdited = await agent.locator(".chat li.mine em").count();

    // Her network drops: the page says so; what the agent wrote meanwhile is on her screen once it is back.
    cut.customer = true;
    line.cut();
    await customer.waitForSelector(".banner", { timeout: 30000 });
    report.offlineBanner = (await customer.locator(".banner").textContent()).trim();
    await agent.fill("input[name=chatText]", "Escrito mientras no tenías conexión");
    await agent.click(".chat form.send button[type=submit]");
    await agent.waitForSelector('.chat li .text:text-is("Escrito mientras no tenías conexión")', { timeout: 20000 });
    line.restore();
    await customer.waitForSelector('.chat li .text:text-is("Escrito mientras no tenías conexión")', { timeout: 60000 });
    await customer.waitForSelector(".banner", { state: "detached", timeout: 60000 });
    await customer.waitForTimeout(500); // the last reports of the cut come in
    cut.customer = false;

    // The agent resolves it; the customer's page changes status live, and she rates it.
    await agent.click("section.moves button:has-text('Resolver')");
    await agent.waitForSelector("[data-status=RESOLVED]", { timeout: 20000 });
    await customer.waitForSelector("[data-status=RESOLVED]", { timeout: 20000 });
    await shot(customer, "09-customer-resolved");
    await customer.check("input[name=score][value='5']");
    await customer.fill("input[name=ratingComment]", "Quick and kind.");
    await customer.click("form.rating button[type=submit]");
    report.rated = (await customer.locator("p.rated").textContent({ timeout: 20000 })).trim();
    await shot(customer, "10-customer-rated");
    await customer.click("a:has-text('Volver a la lista')");

    // The agent narrows his queue: his own tickets, resolved ones; the choice stays in the address.
    await agent.click("nav a[href='/queue']");
    await agent.selectOption("select[name=view]", "ASSIGNED_TO_ME");
    await agent.selectOption("select[name=status]", "RESOLVED");
    await agent.waitForFunction(() => location.search.includes("status=RESOLVED"));
    await agent.waitForSelector(`tr[data-ticket="${report.raised}"]`, { timeout: 20000 });
    await agent.reload();
    await agent.waitForSelector(`tr[data-ticket="${report.raised}"]`, { timeout: 20000 });
    report.agentResolvedMine = await agent.locator("table.tickets tbody tr").count();

    // Her profile: she switches to English, and the app speaks it at once and after a reload.
    await customer.click("header a.who");
    await customer.waitForSelector("table.prefs tbody tr", { timeout: 20000 });
    await accessibility(customer, "profile", report);
    await customer.selectOption("select[name=language]", "en");
    await customer.click("form button[type=submit]");
    await customer.waitForSelector("h1:has-text('Your profile')", { timeout: 20000 });
    await customer.click("nav a[href='/tickets']");
    report.customerHeadingInEnglish = await customer.locator("h1").textContent();

    // A reload keeps the person signed in (the refresh token survives it; the access token does not).
    await customer.reload();
    await customer.waitForSelector(`tr[data-ticket="${report.raised}"]`, { timeout: 20000 });
    report.customerRowsAfterReload = await customer.locator("table.tickets tbody tr").count();

    // Signing out ends the session on this device: back to the sign-in page, and a reload stays there.
    await customer.click("header button.sign-out");
    await customer.waitForURL("**/login", { timeout: 20000 });
    await customer.reload();
    report.afterSignOut = new URL(customer.url()).pathname;
    await shot(customer, "11-signed-out");
  } finally {
    await browser.close();
    if (line) line.close();
  }
  return report;
}

run(main);
