import { cleanup, render, screen, within } from "@testing-library/react";
import { MemoryRouter } from "react-router-dom";
import { afterEach, describe, expect, it } from "vitest";

import { I18nProvider } from "../../i18n/i18n";
import { format } from "../../i18n/messages";
import { DecisionCard, explanation, factorLabel, whyNot } from "./Assignments";

const person = (id: string, name: string) => ({ __typename: "User" as const, id, name });
const candidate = (id: string, name: string, score: number, chosen: boolean) => ({
  __typename: "AssignmentCandidate" as const, score, chosen, user: person(id, name),
  factors: [{ __typename: "AssignmentFactor" as const, name: "openTickets", value: 2 }],
});

describe("the assignment decision log", () => {
  afterEach(cleanup);

  it("says why the chosen agent got the ticket, in the reader's language", () => {
    const ana = candidate("a", "Ana", 0.25, true);
    const bruno = candidate("b", "Bruno", 0.5, false);
    const lowest = explanation({ assignee: person("a", "Ana"), candidates: [ana, bruno], excluded: [] });
    expect(format("en", lowest.key, lowest.values))
      .toBe("Ana has the lowest score of the 2 fitting agents (0.25 against 0.5).");
    const tied = explanation({ assignee: person("a", "Ana"), candidates: [ana, { ...bruno, score: 0.25 }], excluded: [] });
    expect(format("es", tied.key, tied.values)).toContain("empata");
    const only = explanation({ assignee: person("a", "Ana"), candidates: [ana], excluded: [] });
    expect(format("en", only.key, only.values)).toBe("Ana is the only agent who fits.");
    const nobody = explanation({ assignee: null, candidates: [], excluded: [{ __typename: "ExcludedAgent", reason: "offline", user: person("b", "Bruno") }] });
    expect(nobody.key).toBe("assignments.nobody");
    expect(explanation({ assignee: null, candidates: [], excluded: [] }).key).toBe("assignments.nobodyOnline");
  });

  it("translates the reasons agents were left out and keeps a reason it does not know as it came", () => {
    const group = whyNot("not in the care group Networks");
    expect(typeof group !== "string" && format("es", group.key, group.values)).toBe("no está en el grupo de atención Networks");
    const skill = whyNot("no skill in Hardware");
    expect(typeof skill !== "string" && format("en", skill.key, skill.values)).toBe("no skill in Hardware");
    expect(whyNot("on holiday")).toBe("on holiday");
    expect(factorLabel("made-up")).toBe("made-up");
    const trust = factorLabel("trust");
    expect(typeof trust !== "string" && format("es", trust.key, trust.values)).toBe("Confianza");
  });

  it("renders a decision's candidates as a table with the chosen one marked", () => {
    render(
      <MemoryRouter><I18nProvider initial="en">
        <DecisionCard decision={{
          __typename: "AssignmentDecision", id: "d1", decidedAt: "2026-12-01T10:00:00Z", score: 0.25, reason: "x",
          ticket: { __typename: "Ticket", id: "t1", reference: "TK-7", title: "Printer" },
          assignee: person("a", "Ana"),
          candidates: [candidate("a", "Ana", 0.25, true), candidate("b", "Bruno", 0.5, false)],
          excluded: [{ __typename: "ExcludedAgent", reason: "offline", user: person("c", "Carla") }],
        }} />
      </I18nProvider></MemoryRouter>,
    );
    const table = screen.getByRole("table", { name: "Candidates for TK-7 Printer, best first" });
    const rows = within(table).getAllByRole("row");
    expect(rows).toHaveLength(3);
    expect(within(rows[1]).getByRole("rowheader").textContent).toBe("Ana (chosen)");
    expect(screen.getByText("Not considered: Carla (offline)")).toBeTruthy();
  });
});
