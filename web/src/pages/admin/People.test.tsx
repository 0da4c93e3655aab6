import { MockedProvider, type MockedResponse } from "@apollo/client/testing";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { GraphQLError } from "graphql";
import { afterEach, describe, expect, it } from "vitest";

import { AdminCreateUserDocument } from "../../gql/graphql";
import { I18nProvider } from "../../i18n/i18n";
import { fieldErrors, ImportReport, Invite, pickUnfielded } from "./People";

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

  it("puts each reason of a refusal of several fields beside its own field, and what names none for the form", () => {
    const reasons = ["'nope' is not a valid e-mail address", "firstName must have between 1 and 100 characters",
      "setting skills or care groups needs the skills.manage permission"];
    const failure = { graphQLErrors: [{ message: reasons.join("; "), extensions: { code: "BAD_USER_INPUT", reasons,
      problems: [{ field: "email", message: reasons[0] }, { field: "input.firstName", message: reasons[1] },
        { field: null, message: reasons[2] }] } }] };
    const { byField, rest } = fieldErrors(failure);
    expect(Object.keys(byField)).toEqual(["email", "firstName"]);
    expect(byField.email).toEqual({ key: "error.BAD_USER_INPUT", values: { detail: reasons[0] } });
    expect(byField.firstName.values.detail).toBe(reasons[1]);
    expect(rest).toBe(true);
    expect(pickUnfielded(failure)).toEqual({ graphQLErrors: [{ message: reasons[2],
      extensions: { code: "BAD_USER_INPUT", reasons: [reasons[2]] } }] });
    // every reason about a field: nothing left for the form
    const placed = { graphQLErrors: [{ message: "…", extensions: { code: "BAD_USER_INPUT", reasons: reasons.slice(0, 2),
      problems: [{ field: "email", message: reasons[0] }, { field: "email", message: "already in use" }] } }] };
    expect(fieldErrors(placed)).toEqual({ rest: false, byField: { email: { key: "error.BAD_USER_INPUT",
      values: { detail: `${reasons[0]}; already in use` } } } });
    expect(pickUnfielded(placed)).toEqual({ graphQLErrors: [] });
  });

  it("shows the invitation's refusals beside the inputs they name", async () => {
    const reasons = ["'nope' is not a valid e-mail address", "lastName must have between 1 and 100 characters"];
    const refused: MockedResponse = {
      request: { query: AdminCreateUserDocument }, variableMatcher: () => true,
      result: { errors: [new GraphQLError(reasons.join("; "), { extensions: { code: "BAD_USER_INPUT", reasons,
        problems: [{ field: "email", message: reasons[0] }, { field: "lastName", message: reasons[1] }] } })] },
    };
    render(<MockedProvider mocks={[refused]}><I18nProvider initial="en"><Invite roles={[]} onDone={() => {}} /></I18nProvider></MockedProvider>);
    const form = screen.getByRole("form", { name: "Invite a person" });
    fireEvent.submit(form);
    const email = form.querySelector('[name="email"]') as HTMLElement;
    await waitFor(() => expect(email.getAttribute("aria-invalid")).toBe("true"));
    const said = (input: Element) => document.getElementById(input.getAttribute("aria-describedby") ?? "")?.textContent;
    expect(said(email)).toBe(`Please check what you entered: ${reasons[0]}`);
    expect(said(form.querySelector('[name="lastName"]') as HTMLElement)).toBe(`Please check what you entered: ${reasons[1]}`);
    expect(form.querySelector('[name="firstName"]')?.getAttribute("aria-invalid")).toBe("false");
    expect(within(form).queryByRole("alert")).toBeNull();
  });

  it("invites another company's administrator in that company and role, with no role to choose", async () => {
    const input = { email: "bea@acme.example", firstName: "Bea", lastName: "Boss", language: "es",
                    roleId: "role_admin", companyId: "company_acme" };
    const created: MockedResponse = {
      request: { query: AdminCreateUserDocument, variables: { input } },  // only this exact input is answered
      result: { data: { createUser: { __typename: "User", id: "u1", name: "Bea Boss", email: input.email,
                                      status: "ACTIVE", role: null } } },
    };
    let done = 0;
    render(<MockedProvider mocks={[created]}><I18nProvider initial="en">
      <Invite companyId="company_acme" roleId="role_admin" title="platform.inviteAdmin" onDone={() => { done += 1; }} />
    </I18nProvider></MockedProvider>);
    const form = screen.getByRole("form", { name: "Invite another administrator" });
    expect(form.querySelector('[name="roleId"]')).toBeNull();
    fireEvent.change(form.querySelector('[name="email"]') as Element, { target: { value: input.email } });
    fireEvent.change(form.querySelector('[name="firstName"]') as Element, { target: { value: "Bea" } });
    fireEvent.change(form.querySelector('[name="lastName"]') as Element, { target: { value: "Boss" } });
    fireEvent.submit(form);
    expect((await within(form).findByRole("status")).textContent).toContain(input.email);
    expect(done).toBe(1);
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
