import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { I18nProvider } from "../../i18n/i18n";
import { fieldErrors, ImportReport } from "./People";

describe("the people screen", () => {
  afterEach(cleanup);

  it("puts each BAD_USER_INPUT error beside the field it names and keeps the others for the form", () => {
    const failure = { graphQLErrors: [
      { message: "taken", extensions: { code: "BAD_USER_INPUT", field: "input.email", reasons: ["already in use"] } },
      { message: "no", extensions: { code: "FORBIDDEN" } },
    ] };
    const { byField, rest } = fieldErrors(failure);
    expect(Object.keys(byField)).toEqual(["email"]);
    expect(byField.email.key).toBe("error.BAD_USER_INPUT");
    expect(byField.email.values.detail).toBe("already in use");
    expect(rest).toBe(true);
    expect(fieldErrors(null)).toEqual({ byField: {}, rest: false });
    // an e-mail another person has: a conflict on that field, said beside it
    const taken = fieldErrors({ graphQLErrors: [{ message: "exists", extensions: { code: "CONFLICT", field: "email" } }] });
    expect(taken.byField.email.key).toBe("error.TAKEN");
    expect(taken.rest).toBe(false);
  });

  it("shows an import's refused rows as a table to fix the file from, in the person's language", () => {
    const report = { __typename: "UserImportReport" as const, createdCount: 2, created: [], errors: [
      { __typename: "UserImportRowError" as const, row: 3, email: "bad-at-example",
        reasons: ["email is not an e-mail address"] },
      { __typename: "UserImportRowError" as const, row: 5, email: null,
        reasons: ["firstName is required", "lastName is required"] },
    ] };
    render(<I18nProvider initial="es"><ImportReport report={report} /></I18nProvider>);
    expect(screen.getByRole("heading", { name: "2 creadas, 2 rechazadas" })).toBeTruthy();
    const rows = within(screen.getByRole("table")).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getAllByRole("cell").map((c) => c.textContent))
      .toEqual(["3", "bad-at-example", "email is not an e-mail address"]);
    expect(within(rows[2]).getAllByRole("cell").map((c) => c.textContent))
      .toEqual(["5", "—", "firstName is required; lastName is required"]);
  });
});
