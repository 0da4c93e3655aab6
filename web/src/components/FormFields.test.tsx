import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { useState } from "react";
import { afterEach, describe, expect, it } from "vitest";

import { I18nProvider } from "../i18n/i18n";
import { answersOf, FormFields, missingRequired, type FormField, type Values } from "./FormFields";

const FORM: FormField[] = [
  { key: "device", label: "Device", kind: "TEXT", required: true },
  { key: "count", label: "How many", kind: "NUMBER", required: false },
  { key: "since", label: "Since", kind: "DATE", required: false },
  { key: "where", label: "Where", kind: "LIST", required: true, options: ["Office", "Remote"] },
];

function Harness({ seen }: { seen: Values[] }) {
  const [values, setValues] = useState<Values>({});
  return (
    <I18nProvider initial="en">
      <form>
        <FormFields form={FORM} values={values} onChange={(next) => { seen.push(next); setValues(next); }} />
      </form>
    </I18nProvider>
  );
}

describe("the catalogue form", () => {
  afterEach(cleanup);

  it("renders each kind of question as its input, the required ones marked", () => {
    render(<Harness seen={[]} />);
    expect(screen.getByLabelText(/Device/).getAttribute("type")).toBe("text");
    expect(screen.getByLabelText(/How many/).getAttribute("type")).toBe("number");
    expect(screen.getByLabelText(/Since/).getAttribute("type")).toBe("date");
    const where = screen.getByLabelText(/Where/) as HTMLSelectElement;
    expect(where.tagName).toBe("SELECT");
    expect([...where.options].map((o) => o.value)).toEqual(["", "Office", "Remote"]);
    expect((screen.getByLabelText(/Device/) as HTMLInputElement).required).toBe(true);
    expect((screen.getByLabelText(/How many/) as HTMLInputElement).required).toBe(false);
    expect(screen.getByText("Device").parentElement?.textContent).toContain("(required)");
  });

  it("collects the answers the API takes, and names the required ones still missing", () => {
    const seen: Values[] = [];
    render(<Harness seen={seen} />);
    fireEvent.change(screen.getByLabelText(/Device/), { target: { value: "  ThinkPad T14 " } });
    fireEvent.change(screen.getByLabelText(/Where/), { target: { value: "Remote" } });
    const values = seen[seen.length - 1];
    expect(answersOf(FORM, values)).toEqual([{ key: "device", value: "ThinkPad T14" }, { key: "where", value: "Remote" }]);
    expect(missingRequired(FORM, values)).toEqual([]);
    expect(missingRequired(FORM, { device: "  " })).toEqual(["Device", "Where"]);
  });
});
