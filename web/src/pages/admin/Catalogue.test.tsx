import { MockedProvider, type MockedResponse } from "@apollo/client/testing";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { GraphQLError } from "graphql";
import { afterEach, describe, expect, it } from "vitest";

import {
  AdminCatalogueDocument, AdminCreateServiceItemDocument, type AdminServiceItemFragment,
} from "../../gql/graphql";
import { I18nProvider } from "../../i18n/i18n";
import { Catalogue, draftOf, hoursOf, inputOf, itemErrors, moved, optionsOf, questionDraft, type ItemDraft } from "./Catalogue";

const printer: AdminServiceItemFragment = {
  __typename: "ServiceItem", id: "item_1", name: "Printer problem", description: null, type: "INCIDENT",
  category: "Printing", impact: "LOW", urgency: "MEDIUM", priority: "LOW", responseMinutes: 90, resolutionMinutes: 960,
  careGroup: "Field Support", active: true, platformWide: false,
  form: [
    { __typename: "FormField", key: "printer", label: "Which printer?", kind: "LIST", required: true, options: ["Floor 1", "Floor 2"] },
    { __typename: "FormField", key: "since", label: "Since when?", kind: "DATE", required: false, options: [] },
  ],
};

// the BAD_USER_INPUT the API answers when several fields are wrong at once (subgraphs/kernel/validation.py): each
// reason with its field, a question's by its place in the form sent
const reasons = [
  "name must have between 1 and 120 characters",
  "the resolution target cannot come before the response target",
  "form key 'Bad Key' must be lower-case letters, digits and _ (starting with a letter)",
  "form.label must have between 1 and 100 characters",
  "the list question 'Bad Key' needs options",
  "form keys must be unique: ok",
];
const several = { graphQLErrors: [{ message: reasons.join("; "), extensions: { code: "BAD_USER_INPUT",
  fields: ["name", "resolutionMinutes", "form.1.key", "form.1.label", "form.1.options", "form.2.key"], reasons,
  problems: [
    { field: "name", message: reasons[0] }, { field: "resolutionMinutes", message: reasons[1] },
    { field: "form.1.key", message: reasons[2] }, { field: "form.1.label", message: reasons[3] },
    { field: "form.1.options", message: reasons[4] }, { field: "form.2.key", message: reasons[5] },
  ] } }] };

describe("the catalogue's item form", () => {
  it("sends the whole item: list questions with their options, the others without, empty texts as null", () => {
    const draft: ItemDraft = { ...draftOf(), name: "VPN access", category: "Network", responseMinutes: " 30 ",
      resolutionMinutes: "2.5h", form: [
        { ...questionDraft(), key: "site", label: "Site", kind: "LIST", required: true, options: "Madrid\n Lima \n\nQuito, Ecuador" },
        { ...questionDraft(), key: "os", label: "System", kind: "LIST", options: "Windows, macOS,, Linux" },
        { ...questionDraft(), key: "note", label: "Note", kind: "TEXT", options: "left from when it was a list" },
      ] };
    const input = inputOf(draft, true);
    expect(input).toMatchObject({ name: "VPN access", description: null, careGroup: null, type: "REQUEST",
      impact: "MEDIUM", urgency: "MEDIUM", responseMinutes: 30, active: true });
    expect(input.resolutionMinutes).toBe(0); // not a number: sent so that the API says so beside the field
    expect(input.form?.map((q) => q.options)).toEqual([["Madrid", "Lima", "Quito, Ecuador"], ["Windows", "macOS", "Linux"], null]);
    expect(input.form?.[0]).toMatchObject({ key: "site", label: "Site", kind: "LIST", required: true });
    expect(optionsOf("  ")).toEqual([]);
  });

  it("retires an item by sending it back unchanged but for active", () => {
    const { active, ...rest } = inputOf(draftOf(printer), false);
    expect(active).toBe(false);
    expect(rest).toEqual({ name: "Printer problem", description: null, type: "INCIDENT", category: "Printing",
      impact: "LOW", urgency: "MEDIUM", responseMinutes: 90, resolutionMinutes: 960, careGroup: "Field Support",
      form: [{ key: "printer", label: "Which printer?", kind: "LIST", required: true, options: ["Floor 1", "Floor 2"] },
        { key: "since", label: "Since when?", kind: "DATE", required: false, options: null }] });
  });

  it("moves a question up and down, and not past either end", () => {
    expect(moved(["a", "b", "c"], 2, -1)).toEqual(["a", "c", "b"]);
    expect(moved(["a", "b", "c"], 0, 1)).toEqual(["b", "a", "c"]);
    expect(moved(["a", "b", "c"], 0, -1)).toEqual(["a", "b", "c"]);
    expect(moved(["a", "b", "c"], 2, 1)).toEqual(["a", "b", "c"]);
  });

  it("reads the targets as hours in the person's language", () => {
    expect(hoursOf(90, "es")).toBe("1,5");
    expect(hoursOf(960, "en")).toBe("16");
  });
});

describe("the API's refusals of an item", () => {
  const sent = [
    { ...questionDraft(), key: "ok", label: "Fine" },
    { ...questionDraft(), key: "Bad Key", label: "  ", kind: "LIST" as const },
    { ...questionDraft(), key: "ok", label: "Again" },
  ];

  it("gives each of several reasons to the field it is paired with, and a question's to that question", () => {
    const { said, rest } = itemErrors(several, sent);
    const detail = (name: string) => said[name]?.values.detail;
    expect(detail("name")).toBe("name must have between 1 and 120 characters");
    expect(detail("resolutionMinutes")).toBe("the resolution target cannot come before the response target");
    expect(detail("form.1.key")).toMatch(/^form key 'Bad Key'/);
    expect(detail("form.1.label")).toBe("form.label must have between 1 and 100 characters");
    expect(detail("form.1.options")).toBe("the list question 'Bad Key' needs options");
    expect(detail("form.2.key")).toBe("form keys must be unique: ok"); // the question repeating the key
    expect(Object.keys(said).sort()).toEqual(["form.1.key", "form.1.label", "form.1.options", "form.2.key", "name",
      "resolutionMinutes"]);
    expect(rest).toBeNull();
  });

  it("says two reasons about one input together, and keeps a reason naming no field for the form", () => {
    const { said, rest } = itemErrors({ graphQLErrors: [{ message: "…", extensions: { code: "BAD_USER_INPUT",
      fields: ["form.0.options"], problems: [
        { field: "form.0.options", message: "form.options must have between 1 and 100 characters" },
        { field: "form.0.options", message: "the list question 'ok' needs options" },
        { field: null, message: "something else" },
        { field: "form.7.key", message: "form key 'x' must be lower-case letters" }, // not a question sent
      ] } }] }, sent);
    expect(said["form.0.options"].values.detail)
      .toBe("form.options must have between 1 and 100 characters; the list question 'ok' needs options");
    expect(said.form.values.detail).toBe("form key 'x' must be lower-case letters");
    expect((rest as { graphQLErrors: { extensions: { reasons: string[] } }[] }).graphQLErrors[0].extensions.reasons)
      .toEqual(["something else"]);
  });

  it("reads fields named with input. and a question's position, and keeps what names no field for the form", () => {
    const { said, rest } = itemErrors({ graphQLErrors: [
      { message: "x", extensions: { code: "BAD_USER_INPUT", field: "input.form.2.label", reasons: ["too long"] } },
      { message: "y", extensions: { code: "BAD_USER_INPUT", field: "input.responseMinutes", reasons: ["between 1 and 129600"] } },
      { message: "taken", extensions: { code: "CONFLICT", field: "name" } },
      { message: "no", extensions: { code: "FORBIDDEN" } },
    ] }, sent);
    expect(said["form.2.label"].values.detail).toBe("too long");
    expect(said.responseMinutes.values.detail).toBe("between 1 and 129600");
    expect(said.name.key).toBe("error.TAKEN");
    expect((rest as { graphQLErrors: { extensions: { code: string } }[] }).graphQLErrors.map((e) => e.extensions.code))
      .toEqual(["FORBIDDEN"]);
    expect(itemErrors(null, sent)).toEqual({ said: {}, rest: null });
  });

  it("keeps a reason it cannot place for the form, rather than losing it", () => {
    const { said, rest } = itemErrors({ graphQLErrors: [{ message: "…", extensions: { code: "BAD_USER_INPUT",
      fields: ["name", "category"], reasons: ["something new"] } }] }, sent);
    expect(said).toEqual({});
    expect((rest as { graphQLErrors: { extensions: { reasons: string[] } }[] }).graphQLErrors[0].extensions.reasons)
      .toEqual(["something new"]);
  });
});

describe("the catalogue screen", () => {
  afterEach(cleanup);

  const nodes = [printer, { ...printer, id: "item_2", name: "Password reset", platformWide: true, form: [] }];
  const list: MockedResponse = {
    request: { query: AdminCatalogueDocument,
               variables: { filter: { includeInactive: true, search: null }, first: 20, after: null } },
    result: { data: { __typename: "Query", serviceItemPage: {
      __typename: "ServiceItemConnection", totalCount: 2,
      pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: "c2" },
      edges: nodes.map((node, n) => ({ __typename: "ServiceItemEdge", cursor: `c${n + 1}`, node })),
    } } },
  };

  it("shows a question's refusal beside that question's key, and keeps it there when the question moves", async () => {
    const refused: MockedResponse = {
      request: { query: AdminCreateServiceItemDocument },
      variableMatcher: () => true,
      result: { errors: [new GraphQLError("bad key", { extensions: { code: "BAD_USER_INPUT", field: "form.1.key",
        reasons: ["form key 'Bad Key' must be lower-case letters, digits and _ (starting with a letter)"],
        problems: [{ field: "form.1.key",
          message: "form key 'Bad Key' must be lower-case letters, digits and _ (starting with a letter)" }] } })] },
    };
    render(<MockedProvider mocks={[list, refused]}><I18nProvider initial="en"><Catalogue /></I18nProvider></MockedProvider>);
    await screen.findByRole("row", { name: /Printer problem/ });
    // a company item is edited, a platform-wide one only shown
    expect(screen.getByRole("button", { name: "Edit Printer problem" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Retire Printer problem" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Edit Password reset" })).toBeNull();
    expect(screen.getByRole("button", { name: "Show Password reset" })).toBeTruthy();
    expect(within(screen.getByRole("row", { name: /Printer problem/ })).getByText("90 min (1.5 h)")).toBeTruthy();

    const form = screen.getByRole("form", { name: "A new item" });
    const fill = (name: string, value: string) =>
      fireEvent.change(form.querySelector(`[name="${name}"]`) as HTMLInputElement, { target: { value } });
    fill("name", "VPN");
    fill("category", "Network");
    fireEvent.click(screen.getByRole("button", { name: "Add a question" }));
    fireEvent.click(screen.getByRole("button", { name: "Add a question" }));
    fill("form.0.key", "site");
    fill("form.0.label", "Site");
    fill("form.1.key", "Bad Key");
    fill("form.1.label", "Since");
    fireEvent.submit(form);

    const second = await screen.findByRole("group", { name: "Question 2" });
    const key = within(second).getByRole("textbox", { name: /^Key/ });
    await waitFor(() => expect(key.getAttribute("aria-invalid")).toBe("true"));
    expect(document.getElementById(key.getAttribute("aria-describedby")?.split(" ").pop() ?? "")?.textContent)
      .toMatch(/form key 'Bad Key'/);
    expect(within(screen.getByRole("group", { name: "Question 1" })).getByRole("textbox", { name: /^Key/ })
      .getAttribute("aria-invalid")).toBe("false");

    fireEvent.click(within(second).getByRole("button", { name: "Move question 2 up" }));
    const first = screen.getByRole("group", { name: "Question 1" });
    expect((within(first).getByRole("textbox", { name: /^Key/ }) as HTMLInputElement).value).toBe("Bad Key");
    expect(within(first).getByText(/form key 'Bad Key'/)).toBeTruthy();
    expect(within(first).getByRole("button", { name: "Move question 1 down" })).toBe(document.activeElement);
  });

  it("shows each of several refusals beside the question the API names by its place, whatever the wording", async () => {
    const keyReason = "form key 'Site' must be lower-case letters, digits and _ (starting with a letter)";
    const optionsReason = "the list question 'os' needs options";
    const refused: MockedResponse = {
      request: { query: AdminCreateServiceItemDocument },
      variableMatcher: () => true,
      result: { errors: [new GraphQLError(`${keyReason}; ${optionsReason}`, { extensions: { code: "BAD_USER_INPUT",
        fields: ["form.0.key", "form.1.options"], reasons: [keyReason, optionsReason],
        problems: [{ field: "form.0.key", message: keyReason }, { field: "form.1.options", message: optionsReason }],
      } })] },
    };
    render(<MockedProvider mocks={[list, refused]}><I18nProvider initial="en"><Catalogue /></I18nProvider></MockedProvider>);
    await screen.findByRole("row", { name: /Printer problem/ });
    const form = screen.getByRole("form", { name: "A new item" });
    const fill = (name: string, value: string) =>
      fireEvent.change(form.querySelector(`[name="${name}"]`) as HTMLInputElement, { target: { value } });
    fill("name", "VPN");
    fill("category", "Network");
    fireEvent.click(screen.getByRole("button", { name: "Add a question" }));
    fireEvent.click(screen.getByRole("button", { name: "Add a question" }));
    fill("form.0.key", "Site");
    fill("form.0.label", "Site");
    fill("form.1.key", "os");
    fill("form.1.label", "System");
    fill("form.1.kind", "LIST");
    fireEvent.submit(form);

    const said = (input: HTMLElement) =>
      (input.getAttribute("aria-describedby") ?? "").split(" ").map((id) => document.getElementById(id)?.textContent);
    const one = await screen.findByRole("group", { name: "Question 1" });
    const key = within(one).getByRole("textbox", { name: /^Key/ });
    await waitFor(() => expect(key.getAttribute("aria-invalid")).toBe("true"));
    expect(said(key)).toContain(`Please check what you entered: ${keyReason}`);
    expect(within(one).queryByText(optionsReason, { exact: false })).toBeNull();
    const two = screen.getByRole("group", { name: "Question 2" });
    const options = within(two).getByRole("textbox", { name: /^Options/ });
    expect(options.getAttribute("aria-invalid")).toBe("true");
    expect(said(options)).toEqual([`Please check what you entered: ${optionsReason}`]);
    expect(within(two).getByRole("textbox", { name: /^Key/ }).getAttribute("aria-invalid")).toBe("false");
    expect(within(two).queryByText(keyReason, { exact: false })).toBeNull();

    // the second question moved first: its refusal goes with it
    fireEvent.click(within(two).getByRole("button", { name: "Move question 2 up" }));
    const now = screen.getByRole("group", { name: "Question 1" });
    expect(within(now).getByText(optionsReason, { exact: false })).toBeTruthy();
    expect(within(screen.getByRole("group", { name: "Question 2" })).getByText(keyReason, { exact: false })).toBeTruthy();
  });
});
