import { MockedProvider, type MockedResponse } from "@apollo/client/testing";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { GraphQLError } from "graphql";
import { afterEach, describe, expect, it } from "vitest";

import {
  AdminDeskSettingsDocument, AdminUpdateDeskSettingsDocument, ChatPolicyDocument, UpdateChatPolicyDocument,
  type AdminDeskFragment,
} from "../../gql/graphql";
import { I18nProvider } from "../../i18n/i18n";
import {
  calendarDraftOf, calendarErrors, calendarInputOf, chatErrors, keptClose, Settings, shownClose, toggled, withHoliday,
} from "./Settings";

const calendar: AdminDeskFragment["calendar"] = {
  __typename: "BusinessCalendar", timezone: "Europe/Madrid",
  hours: [
    { __typename: "OpeningHours", day: "MONDAY", opens: "09:00", closes: "14:00" },
    { __typename: "OpeningHours", day: "MONDAY", opens: "15:00", closes: "18:00" },
    { __typename: "OpeningHours", day: "FRIDAY", opens: "08:00", closes: "24:00" },
  ],
  holidays: [{ __typename: "Holiday", date: "2026-12-25", name: "Christmas" }],
};

describe("the business calendar form", () => {
  it("sends the hours of open days only, each stretch of a day, and a holiday without a name as null", () => {
    const draft = calendarDraftOf(calendar);
    expect(draft.week.TUESDAY.open).toBe(false);
    const input = calendarInputOf({ ...draft, week: { ...draft.week, FRIDAY: { ...draft.week.FRIDAY, open: false },
      SATURDAY: { open: true, hours: [{ opens: "10:00", closes: "13:00" }] } },
      holidays: withHoliday(draft.holidays, "2026-01-06", "  ") });
    expect(input).toEqual({ timezone: "Europe/Madrid", hours: [
      { day: "MONDAY", opens: "09:00", closes: "14:00" }, { day: "MONDAY", opens: "15:00", closes: "18:00" },
      { day: "SATURDAY", opens: "10:00", closes: "13:00" },
    ], holidays: [{ date: "2026-01-06", name: null }, { date: "2026-12-25", name: "Christmas" }] });
  });

  it("keeps a closed day's hours to open it again, and gives a day never open 09:00 to 18:00", () => {
    const draft = calendarDraftOf(calendar);
    expect(draft.week.FRIDAY.hours).toEqual([{ opens: "08:00", closes: "24:00" }]);
    expect(draft.week.SUNDAY).toEqual({ open: false, hours: [{ opens: "09:00", closes: "18:00" }] });
  });

  it("shows midnight as 00:00 in a time input and sends it as 24:00", () => {
    expect(shownClose("24:00")).toBe("00:00");
    expect(shownClose("18:30")).toBe("18:30");
    expect(keptClose("00:00")).toBe("24:00");
    expect(keptClose("17:00")).toBe("17:00");
  });

  it("replaces a holiday on a date already there, and keeps them by date", () => {
    const holidays = withHoliday([{ date: "2026-05-01", name: "" }, { date: "2026-12-25", name: "Xmas" }], "2026-05-01", "Labour day");
    expect(holidays).toEqual([{ date: "2026-05-01", name: "Labour day" }, { date: "2026-12-25", name: "Xmas" }]);
  });

  it("puts the API's refusals beside the time zone, the row of the hours entry they name, and its time", () => {
    const sent = calendarDraftOf(calendar); // hours sent: Monday's two stretches, then Friday's
    const { said, rest } = calendarErrors({ graphQLErrors: [{ message: "…", extensions: { code: "BAD_USER_INPUT",
      fields: ["timezone", "hours.1", "hours.2.closes"],
      reasons: ["'Mars/Base' is not an IANA time zone (e.g. Europe/Madrid)", "on monday 15:00-14:00 closes before it opens",
        "'25:00' is not a time of day like 09:00"],
      problems: [{ field: "timezone", message: "'Mars/Base' is not an IANA time zone (e.g. Europe/Madrid)" },
        { field: "hours.1", message: "on monday 15:00-14:00 closes before it opens" },
        { field: "hours.2.closes", message: "'25:00' is not a time of day like 09:00" }] } }] }, sent);
    expect(said.timezone.values.detail).toMatch(/Mars\/Base/);
    expect(said["hours.MONDAY"].values.detail).toBe("on monday 15:00-14:00 closes before it opens");
    expect(said["hours.FRIDAY.0.closes"].values.detail).toBe("'25:00' is not a time of day like 09:00");
    expect(Object.keys(said)).toHaveLength(3);
    expect(rest).toBeNull();

    // one field: every reason beside it ("input.calendar." dropped)
    const indexed = calendarErrors({ graphQLErrors: [{ message: "x", extensions: { code: "BAD_USER_INPUT",
      field: "input.calendar.hours.0.opens", reasons: ["too early"] } }] }, sent);
    expect(Object.keys(indexed.said)).toEqual(["hours.MONDAY.0.opens"]);
    const whole = calendarErrors({ graphQLErrors: [{ message: "a calendar needs opening hours on at least one day",
      extensions: { code: "BAD_USER_INPUT", field: "hours" } }] }, sent);
    expect(Object.keys(whole.said)).toEqual(["hours"]);
    const beyond = calendarErrors({ graphQLErrors: [{ message: "x", extensions: { code: "BAD_USER_INPUT",
      problems: [{ field: "hours.9", message: "the opening hours of sunday overlap" }] } }] }, sent);
    expect(beyond.said.hours.values.detail).toBe("the opening hours of sunday overlap");
  });
});

describe("the chat policy form", () => {
  it("keeps the statuses in the lifecycle's order whatever order they are ticked in", () => {
    expect(toggled(["CLOSED", "OPEN"], "ON_HOLD", true)).toEqual(["OPEN", "ON_HOLD", "CLOSED"]);
    expect(toggled(["OPEN", "ON_HOLD"], "OPEN", false)).toEqual(["ON_HOLD"]);
  });

  it("says the API's refusal of writing where reading is off beside the writable statuses", () => {
    const { said, rest } = chatErrors({ graphQLErrors: [{ message: "a chat writable in CLOSED must be readable there too",
      extensions: { code: "BAD_USER_INPUT", field: "writableStatuses" } }] });
    expect(said.writableStatuses.values.detail).toBe("a chat writable in CLOSED must be readable there too");
    expect(rest).toBeNull();
  });
});

describe("the settings screen", () => {
  afterEach(cleanup);
  const deskSettings = { __typename: "DeskSettings" as const, company: { __typename: "Company" as const, id: "c1" },
    calendar, autoAssign: false, customised: true };
  const desk: MockedResponse = {
    request: { query: AdminDeskSettingsDocument }, result: { data: { __typename: "Query", deskSettings } },
  };
  const chat: MockedResponse = {
    request: { query: ChatPolicyDocument },
    result: { data: { __typename: "Query", chatPolicy: { __typename: "ChatPolicy", companyId: "c1",
      readableStatuses: ["OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED", "CLOSED", "CANCELLED"],
      writableStatuses: ["OPEN", "IN_PROGRESS", "ON_HOLD"], customised: false } } },
  };

  it("saves automatic assignment alone, and says so in that form only", async () => {
    const autoAssign: MockedResponse = {
      request: { query: AdminUpdateDeskSettingsDocument, variables: { input: { autoAssign: true } } }, // no calendar
      result: { data: { __typename: "Mutation", updateDeskSettings: { ...deskSettings, autoAssign: true } } },
    };
    render(<MockedProvider mocks={[desk, chat, autoAssign]}><I18nProvider initial="es"><Settings /></I18nProvider></MockedProvider>);
    const form = await screen.findByRole("form", { name: "Asignación automática" });
    fireEvent.click(within(form).getByRole("checkbox", { name: "Asignar los tickets nuevos automáticamente" }));
    fireEvent.submit(form);
    await waitFor(() => expect(within(form).getByRole("status").textContent).toBe("Guardado."));
    expect(within(screen.getByRole("form", { name: "Calendario laboral" })).getByRole("status").textContent).toBe("");
    expect(screen.getByText("Tu empresa usa la política predeterminada.")).toBeTruthy();
  });

  it("shows each of the calendar's refusals in the row of the hours it names, beside the time it could not read", async () => {
    const overlap = "the opening hours of monday overlap";
    const late = "'25:00' is not a time of day like 09:00";
    const refused: MockedResponse = {
      request: { query: AdminUpdateDeskSettingsDocument },
      variableMatcher: (v) => !!v.input.calendar,
      result: { errors: [new GraphQLError(`${overlap}; ${late}`, { extensions: { code: "BAD_USER_INPUT",
        fields: ["hours.1", "hours.2.closes"], reasons: [overlap, late],
        problems: [{ field: "hours.1", message: overlap }, { field: "hours.2.closes", message: late }] } })] },
    };
    render(<MockedProvider mocks={[desk, chat, refused]}><I18nProvider initial="en"><Settings /></I18nProvider></MockedProvider>);
    const form = await screen.findByRole("form", { name: "Business calendar" });
    fireEvent.submit(form);
    const row = (day: string) => form.querySelector(`tr[data-day="${day}"]`) as HTMLElement;
    expect(await within(row("MONDAY")).findByText(overlap, { exact: false })).toBeTruthy();
    expect(within(row("FRIDAY")).queryByText(overlap, { exact: false })).toBeNull();
    const said = (input: Element) =>
      (input.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent);
    const fridayCloses = row("FRIDAY").querySelector('[name="hours.FRIDAY.0.closes"]') as HTMLElement;
    expect(fridayCloses.getAttribute("aria-invalid")).toBe("true");
    expect(said(fridayCloses)).toEqual([`Please check what you entered: ${late}`]);
    expect(row("FRIDAY").querySelector('[name="hours.FRIDAY.0.opens"]')?.getAttribute("aria-invalid")).toBe("false");
    expect(within(row("MONDAY")).queryByText(late, { exact: false })).toBeNull();
    for (const input of row("MONDAY").querySelectorAll("input[type=time]")) {
      expect(said(input)).toContain(`Please check what you entered: ${overlap}`);
    }
  });

  it("shows the chat policy's refusal inside the writable statuses", async () => {
    const refused: MockedResponse = {
      request: { query: UpdateChatPolicyDocument },
      variableMatcher: (v) => !v.input.readableStatuses.includes("CLOSED") && v.input.writableStatuses.includes("CLOSED"),
      result: { errors: [new GraphQLError("a chat writable in CLOSED must be readable there too",
        { extensions: { code: "BAD_USER_INPUT", field: "writableStatuses" } })] },
    };
    render(<MockedProvider mocks={[desk, chat, refused]}><I18nProvider initial="en"><Settings /></I18nProvider></MockedProvider>);
    const form = await screen.findByRole("form", { name: "Ticket chat" });
    fireEvent.click(within(screen.getByRole("group", { name: "The chat can be read while the ticket is" }))
      .getByRole("checkbox", { name: "Closed" }));
    const writable = screen.getByRole("group", { name: "The chat can be written in while the ticket is" });
    fireEvent.click(within(writable).getByRole("checkbox", { name: "Closed" }));
    fireEvent.submit(form);
    expect(await within(writable).findByText(/a chat writable in CLOSED must be readable there too/)).toBeTruthy();
    expect(within(form).getByRole("status").textContent).toBe("");
  });
});
