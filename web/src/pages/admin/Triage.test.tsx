import { MockedProvider, type MockedResponse } from "@apollo/client/testing";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it, vi } from "vitest";

import { AdminTriageTicketDocument, type AdminTriageQueueQuery } from "../../gql/graphql";
import { I18nProvider } from "../../i18n/i18n";
import { categoryChoices, ModelState, proposal, sources, triageInput, triageRefusals, TriageRow } from "./Triage";

type Ticket = AdminTriageQueueQuery["tickets"]["edges"][number]["node"];

const label = (value: string, confidence = 0.47) =>
  ({ __typename: "ClassifiedLabel" as const, value, confidence, source: "CATALOGUE" as const });

const ticket = (over: Partial<Ticket> = {}): Ticket => ({
  __typename: "Ticket", id: "t1", reference: "TKT-2026-000001", title: "The VPN drops", status: "OPEN",
  category: "Network", type: "INCIDENT", priority: "HIGH", needsReview: true, createdAt: "2026-12-05T17:43:00Z",
  classification: { __typename: "TicketClassification", category: label("Access"), type: label("REQUEST"),
                    priority: label("MEDIUM", 0.52), confidence: 0.47, threshold: 0.6,
                    classifiedAt: "2026-12-05T17:43:01Z" },
  ...over,
});

describe("the triage screen's logic", () => {
  it("offers what the IA proposed, and the ticket's own values where it proposed nothing usable", () => {
    expect(proposal(ticket())).toEqual({ category: "Access", type: "REQUEST", priority: "MEDIUM" });
    expect(proposal(ticket({ classification: null }))).toEqual({ category: "Network", type: "INCIDENT", priority: "HIGH" });
    const odd = ticket();
    odd.classification = { ...odd.classification!, category: null, type: label("incident"), priority: label("urgent") };
    expect(proposal(odd)).toEqual({ category: "Network", type: "INCIDENT", priority: "HIGH" });
    expect(triageInput(proposal(ticket()))).toEqual({ category: "Access", type: "REQUEST", priority: "MEDIUM" });
  });

  it("says whether a proposal came from the catalogue, the company's own tickets, or both", () => {
    const c = ticket().classification!;
    expect(sources(c)).toEqual(["CATALOGUE"]);
    expect(sources({ ...c, type: { ...label("REQUEST"), source: "COMPANY" } })).toEqual(["COMPANY", "CATALOGUE"]);
  });

  it("lets a person choose among the catalogue's categories and the ticket's own, once each", () => {
    const catalogue = [{ category: "Network" }, { category: "Access" }, { category: "Network" }];
    expect(categoryChoices(catalogue, "Legacy", "Access", null)).toEqual(["Access", "Legacy", "Network"]);
  });

  it("shows a refusal naming a triage field beside it, and one about the ticket above the form", () => {
    const { byField, rest } = triageRefusals({ graphQLErrors: [
      { message: "category must have between 1 and 50 characters",
        extensions: { code: "BAD_USER_INPUT", field: "input.category" } },
      { message: "the ticket is closed; it can no longer change", extensions: { code: "BAD_USER_INPUT", field: "id" } },
    ] });
    expect(Object.keys(byField)).toEqual(["category"]);
    expect(rest).toEqual({ graphQLErrors: [{ message: "the ticket is closed; it can no longer change",
                                             extensions: { code: "BAD_USER_INPUT", field: "id" } }] });
  });

  it("puts each reason of a refusal of several fields beside its own, and says none twice", () => {
    const reasons = ["category must have between 1 and 50 characters", "title must have between 1 and 200 characters"];
    const { byField, rest } = triageRefusals({ graphQLErrors: [{ message: reasons.join("; "), extensions: {
      code: "BAD_USER_INPUT", fields: ["category", "title"], reasons,
      problems: [{ field: "category", message: reasons[0] }, { field: "title", message: reasons[1] }] } }] });
    expect(byField).toEqual({ category: { key: "error.BAD_USER_INPUT", values: { detail: reasons[0] } } });
    expect(rest).toEqual({ graphQLErrors: [{ message: reasons[1],
                                             extensions: { code: "BAD_USER_INPUT", reasons: [reasons[1]] } }] });
  });
});

describe("the triage screen", () => {
  afterEach(cleanup);

  it("tells an administrator the IA is still learning from the catalogue alone", () => {
    render(<I18nProvider initial="en"><ModelState model={{ __typename: "TriageModel", companyId: "c1",
      labelledTickets: 3, trained: false, trainedAt: null, targets: [] }} /></I18nProvider>);
    expect(screen.getByText(/^Not trained yet: the catalogue is the only guide/)).toBeTruthy();
    expect(screen.getByText(/: 3\.$/)).toBeTruthy();
    expect(screen.queryByRole("table")).toBeNull();
  });

  it("shows what each part learnt, and the parts the catalogue still decides", () => {
    render(<I18nProvider initial="es"><ModelState model={{ __typename: "TriageModel", companyId: "c1",
      labelledTickets: 25, trained: true, trainedAt: "2026-12-05T10:00:00Z", targets: [
        { __typename: "TriageTarget", target: "type", examples: 31, labels: ["incident", "request"] },
        { __typename: "TriageTarget", target: "category", examples: 31, labels: ["Access", "Network"] },
      ] }} /></I18nProvider>);
    const rows = within(screen.getByRole("table")).getAllByRole("row").slice(1);
    expect(rows.map((r) => r.textContent)).toEqual([
      "Categoría31Access, Network", "Tipo31Incidencia, Solicitud", "PrioridadTodavía sin aprender: decide el catálogo"]);
  });

  function renderRow(mocks: MockedResponse[], onTriaged = vi.fn()) {
    render(
      <MockedProvider mocks={mocks}><MemoryRouter future={{ v7_startTransition: true, v7_relativeSplatPath: true }}><I18nProvider initial="en">
        <table><tbody><TriageRow ticket={ticket()} catalogue={[{ category: "Network" }, { category: "Access" }]}
                                 onTriaged={onTriaged} /></tbody></table>
      </I18nProvider></MemoryRouter></MockedProvider>);
    return onTriaged;
  }

  const saved = (needsReview: boolean, input: object) => ({
    request: { query: AdminTriageTicketDocument, variables: { id: "t1", input } },
    result: { data: { __typename: "Mutation", updateTicket: { __typename: "Ticket", id: "t1", category: "Access", type: "REQUEST",
                                      priority: "MEDIUM", needsReview, updatedAt: "2026-12-05T18:00:00Z" } } },
  });

  it("confirms the IA's proposal by default, and the ticket leaves the list", async () => {
    const onTriaged = renderRow([saved(false, { category: "Access", type: "REQUEST", priority: "MEDIUM" })]);
    const form = screen.getByRole("form", { name: "Triage of TKT-2026-000001" });
    expect((within(form).getByLabelText("Category") as HTMLSelectElement).value).toBe("Access");
    expect((within(form).getByLabelText("Priority") as HTMLSelectElement).value).toBe("MEDIUM");
    fireEvent.click(within(form).getByRole("button", { name: "Save the triage of TKT-2026-000001" }));
    await waitFor(() => expect(onTriaged).toHaveBeenCalledWith("TKT-2026-000001"));
  });

  it("keeps the row while the service still holds the ticket for review", async () => {
    const onTriaged = renderRow([saved(true, { category: "Network", type: "INCIDENT", priority: "HIGH" })]);
    const form = screen.getByRole("form", { name: "Triage of TKT-2026-000001" });
    fireEvent.change(within(form).getByLabelText("Category"), { target: { value: "Network" } });
    fireEvent.change(within(form).getByLabelText("Type"), { target: { value: "INCIDENT" } });
    fireEvent.change(within(form).getByLabelText("Priority"), { target: { value: "HIGH" } });
    fireEvent.submit(form);
    await waitFor(() => expect(form.getAttribute("aria-busy")).toBe("true"));
    await waitFor(() => expect(form.getAttribute("aria-busy")).toBe("false")); // the answer came
    expect(onTriaged).not.toHaveBeenCalled();
  });
});
