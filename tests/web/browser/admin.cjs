// The company administrator in Debian's headless Chromium: the people screen. Imports people from a CSV with one
// bad row (the report names it), finds an imported person, is told beside the e-mail field that an invitation's
// address is taken, deactivates and reactivates a person, and pages through the list; then the dashboard, which
// counts a ticket raised meanwhile without a reload. Input: JSON on stdin
// (origin, access code, password, admin, taken e-mail, screenshots folder). Output: one JSON object.
const path = require("path");
const { chromium } = require(path.join(process.env.PLAYWRIGHT_MODULES, "playwright-core"));

const { ARGS, accessibility, api, run, signIn } = require("./common.cjs");

// a ticket raised by the customer through the API, from a catalogue item without required questions
async function raise(input, title) {
  const login = "mutation($i: LoginInput!) { login(input: $i) { accessToken } }";
  const token = (await api(input.origin, login, { i: { accessCode: input.code, email: input.customer,
                                                       password: input.password } })).data.login.accessToken;
  const items = (await api(input.origin, "{ serviceItems { id form { required } } }", {}, token)).data.serviceItems;
  const item = items.find((i) => !i.form.some((field) => field.required));
  await api(input.origin, "mutation($i: CreateTicketInput!) { createTicket(input: $i) { id } }",
            { i: { itemId: item.id, title, description: "Raised while the dashboard is open." } }, token);
}

// waitForFunction, and on a timeout what the page said (its alerts and the row) in the error
async function until(page, predicate, arg) {
  try {
    await page.waitForFunction(predicate, arg, { timeout: 20000 });
  } catch (error) {
    const said = await page.evaluate(() => [...document.querySelectorAll("[role=alert], table.people tbody tr")]
      .map((e) => e.textContent).join(" | "));
    throw new Error(`${error.message}; the page said: ${said}`);
  }
}

async function main(input) {
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ARGS });
  const report = { consoleErrors: [], accessibility: {} };
  const shot = (page, name) => page.screenshot({ path: path.join(input.screenshots, `${name}.png`), fullPage: true });
  try {
    const context = await browser.newContext({ locale: "en-US" });
    const admin = await context.newPage();
    admin.on("console", (m) => { if (m.type() === "error") report.consoleErrors.push(m.text()); });
    admin.on("pageerror", (e) => report.consoleErrors.push(e.message));

    await signIn(admin, input, input.admin, input.password);
    await admin.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 20000 });
    await admin.click("nav a[href='/admin/people']");
    await admin.waitForSelector("table.people tbody tr", { timeout: 20000 });
    report.heading = await admin.locator("h1").textContent();
    report.countBefore = (await admin.locator("main > p").first().textContent()).trim();
    await shot(admin, "12-admin-people");
    await accessibility(admin, "people", report);

    // the CSV: two good rows and one whose e-mail is not one
    const csv = ["email,firstName,lastName,language", `${input.stamp}.uno@demo.aurontek.local,Ursula,Uno${input.stamp},es`,
                 "not-an-email,Bad,Row,es", `${input.stamp}.dos@demo.aurontek.local,Diego,Dos${input.stamp},en`].join("\n");
    await admin.fill("textarea[name=csv]", csv);
    await admin.click("form[aria-labelledby=import-title] button[type=submit]");
    await admin.waitForSelector("table.import-errors tbody tr", { timeout: 20000 });
    report.importHeading = (await admin.locator("#import-report").textContent()).trim();
    report.importErrors = await admin.locator("table.import-errors tbody tr").evaluateAll(
      (rows) => rows.map((row) => [...row.querySelectorAll("td")].map((cell) => cell.textContent)));
    await shot(admin, "13-admin-import-report");
    await accessibility(admin, "people import", report);

    // the list follows: search finds an imported person
    await admin.fill("input[type=search]", `Uno${input.stamp}`);
    await until(admin, (name) => {
      const rows = [...document.querySelectorAll("table.people tbody tr")];
      return rows.length === 1 && rows[0].textContent.includes(name);
    }, `Uno${input.stamp}`);
    report.found = (await admin.locator("table.people tbody th").first().textContent()).trim();

    // deactivate, then reactivate her
    await admin.click("table.people tbody tr button");
    await until(admin, () => document.querySelector("table.people tbody tr td:nth-child(4)")?.textContent === "Deactivated");
    report.deactivated = true;
    await admin.click("table.people tbody tr button");
    await until(admin, () => document.querySelector("table.people tbody tr td:nth-child(4)")?.textContent === "Active");
    report.reactivated = true;

    // an invitation to an address someone has: said beside the e-mail field
    await admin.fill("form[aria-labelledby=invite-title] input[name=email]", input.taken);
    await admin.fill("form[aria-labelledby=invite-title] input[name=firstName]", "Again");
    await admin.fill("form[aria-labelledby=invite-title] input[name=lastName]", "Someone");
    await admin.click("form[aria-labelledby=invite-title] button[type=submit]");
    await admin.waitForSelector("#invite-email-error", { timeout: 20000 });
    report.emailError = (await admin.locator("#invite-email-error").textContent()).trim();
    report.emailInvalid = await admin.locator("form[aria-labelledby=invite-title] input[name=email]").getAttribute("aria-invalid");
    await shot(admin, "14-admin-invite-taken");
    await accessibility(admin, "people invite", report);

    // pages: the whole list, twenty at a time
    await admin.fill("input[type=search]", "");
    await until(admin, () => document.querySelectorAll("table.people tbody tr").length > 1);
    report.countAfter = (await admin.locator("main > p").first().textContent()).trim();
    report.firstPageRows = await admin.locator("table.people tbody tr").count();
    report.canPage = !(await admin.locator("nav.pager button").nth(1).isDisabled());

    // the dashboard: charts with their tables, and a ticket raised meanwhile counted without a reload
    await admin.click("nav a[href='/dashboard']");
    await admin.waitForSelector("dd[data-figure=tickets]", { timeout: 20000 });
    await admin.waitForSelector(".chart svg.recharts-surface", { timeout: 20000 });
    report.charts = await admin.locator(".chart svg.recharts-surface").count();
    report.chartTables = await admin.locator(".chart table").count();
    report.ticketsBefore = Number(await admin.locator("dd[data-figure=tickets]").textContent());
    await shot(admin, "15-dashboard");
    await accessibility(admin, "dashboard", report);
    const started = Date.now();
    await raise(input, `Dashboard check ${input.stamp}`);
    await until(admin, (before) => Number(document.querySelector("dd[data-figure=tickets]").textContent) === before + 1,
                report.ticketsBefore);
    report.dashboardLiveMs = Date.now() - started;
    report.ticketsAfter = Number(await admin.locator("dd[data-figure=tickets]").textContent());
    report.dashboardPath = new URL(admin.url()).pathname;

    // platform staff, in a browser of their own: a new company, its access code rotated; then the demo company
    // suspended while its administrator's page is open (signed out there), and reactivated
    const platformContext = await browser.newContext({ locale: "en-US" });
    const platform = await platformContext.newPage();
    platform.on("console", (m) => { if (m.type() === "error") report.consoleErrors.push(`platform: ${m.text()}`); });
    await signIn(platform, { code: "" }, input.platformEmail, input.platformPassword, input.origin);
    await platform.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 20000 });
    await platform.click("nav a[href='/platform/companies']");
    await platform.waitForSelector("table.companies tbody tr", { timeout: 20000 });
    const company = `Acme ${input.stamp}`;
    const form = "form[aria-labelledby=company-title]";
    await platform.fill(`${form} input[name=name]`, company);
    await platform.fill(`${form} input[name=taxId]`, `B${input.stamp}`);
    await platform.fill(`${form} input[name=email]`, `hello${input.stamp}@acme.example`);
    await platform.fill(`${form} input[name=adminEmail]`, `boss${input.stamp}@acme.example`);
    await platform.fill(`${form} input[name=adminFirstName]`, "Bea");
    await platform.fill(`${form} input[name=adminLastName]`, "Boss");
    await platform.click(`${form} button[type=submit]`);
    await platform.waitForSelector(`${form} [role=status]`, { timeout: 20000 });
    report.companyCreated = (await platform.locator(`${form} [role=status]`).textContent()).trim();
    await platform.fill("input[type=search]", company);
    const row = platform.locator(`tr[data-company="${company}"]`);
    await row.waitFor({ timeout: 20000 });
    const codeBefore = (await row.locator("[data-code]").textContent()).trim();
    await row.locator("button", { hasText: "New code" }).click();
    await until(platform, ([name, before]) => {
      const code = document.querySelector(`tr[data-company="${name}"] [data-code]`)?.textContent.trim();
      return code && code !== before;
    }, [company, codeBefore]);
    report.codeRotated = true;
    await shot(platform, "16-platform-companies");
    await accessibility(platform, "companies", report);

    await platform.fill("input[type=search]", input.demoCompany);
    const demo = platform.locator(`tr[data-company="${input.demoCompany}"]`);
    await demo.waitFor({ timeout: 20000 });
    await demo.locator("input[name=reason]").fill("Unpaid invoice");
    await demo.locator("button[type=submit]").click();
    await until(platform, (name) => document.querySelector(`tr[data-company="${name}"] [data-status]`)?.textContent.startsWith("Suspended"),
                input.demoCompany);
    report.suspended = true;
    await admin.waitForURL("**/login", { timeout: 20000 }).then(() => { report.adminSignedOut = true; },
                                                                 () => { report.adminSignedOut = false; });
    report.adminPathAfterSuspension = new URL(admin.url()).pathname;
    await demo.locator("button", { hasText: "Reactivate" }).click();
    await until(platform, (name) => document.querySelector(`tr[data-company="${name}"] [data-status]`)?.textContent.startsWith("Active"),
                input.demoCompany);
    report.reactivated = true;
  } finally {
    await browser.close();
  }
  return report;
}

run(main);
