// A catalogue item's form as inputs: one per question, of its kind (text, number, date, a list of options),
// required ones marked and enforced; and the answers as the API takes them.
import type { FieldKind } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";

export interface FormField {
  key: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  options?: readonly string[] | null;
}

export type Values = Record<string, string>;

const INPUT_TYPE: Record<Exclude<FieldKind, "LIST">, string> = { TEXT: "text", NUMBER: "number", DATE: "date" };

/** The answers to send: every question answered, trimmed; unanswered optional ones left out. */
export function answersOf(form: readonly FormField[], values: Values): { key: string; value: string }[] {
  return form.flatMap((field) => {
    const value = (values[field.key] ?? "").trim();
    return value ? [{ key: field.key, value }] : [];
  });
}

/** The labels of the required questions still unanswered. */
export function missingRequired(form: readonly FormField[], values: Values): string[] {
  return form.filter((f) => f.required && !(values[f.key] ?? "").trim()).map((f) => f.label);
}

export function FormFields({ form, values, onChange }: {
  form: readonly FormField[];
  values: Values;
  onChange(values: Values): void;
}) {
  const { t } = useI18n();
  const set = (key: string, value: string) => onChange({ ...values, [key]: value });
  return (
    <>
      {form.map((field) => {
        const name = `answer-${field.key}`;
        const label = (
          <>
            {field.label}
            {field.required && <span className="required"> ({t("new.required")})</span>}
          </>
        );
        if (field.kind === "LIST") {
          return (
            <label key={field.key}>{label}
              <select name={name} required={field.required} value={values[field.key] ?? ""}
                      onChange={(e) => set(field.key, e.target.value)}>
                <option value="">—</option>
                {(field.options ?? []).map((option) => <option key={option} value={option}>{option}</option>)}
              </select>
            </label>
          );
        }
        return (
          <label key={field.key}>{label}
            <input name={name} type={INPUT_TYPE[field.kind]} required={field.required}
                   value={values[field.key] ?? ""} onChange={(e) => set(field.key, e.target.value)} />
          </label>
        );
      })}
    </>
  );
}
