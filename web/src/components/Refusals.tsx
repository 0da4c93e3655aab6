// The API's refusals of a form, beside the inputs they name: a BAD_USER_INPUT lists each reason with the field it
// is about (`extensions.problems`; one `field` for all its reasons without it), a CONFLICT names the field whose
// value is in use. What names no input stays with the form (for ErrorMessage).
import { explain, problemsOf, type ApiError } from "../api/errors";
import { useI18n } from "../i18n/i18n";
import type { Said } from "./AdminParts";

/** Where a field's refusal goes: the names of the inputs it is about (their `name` attribute); none, the form. */
export type Place = (field: string) => string[];

/**
 * The errors of a failed mutation by input name (`said`), and `rest`, a failure holding only what names no input
 * (for ErrorMessage), or null. `place` turns a field the API names ("input." dropped) into the inputs it is about;
 * two reasons for one input are said together.
 */
export function placeRefusals(failure: unknown, place: Place): { said: Record<string, Said>; rest: unknown } {
  const said: Record<string, Said> = {};
  if (!failure) return { said, rest: null };
  const errors = (failure as { graphQLErrors?: ApiError[] }).graphQLErrors;
  if (!errors?.length) return { said, rest: failure }; // the network, or an answer without errors
  const unplaced: ApiError[] = [];
  const put = (names: string[], text: Said) => {
    for (const name of names) {
      const before = said[name];
      said[name] = before?.key === "error.BAD_USER_INPUT" && text.key === before.key
        ? { key: before.key, values: { detail: `${before.values.detail}; ${text.values.detail}` } } : text;
    }
  };
  for (const error of errors) {
    const ext = error.extensions ?? {};
    if (ext.code !== "BAD_USER_INPUT") {
      const names = typeof ext.field === "string" ? place(ext.field.replace(/^input\./, "")) : [];
      if (names.length) put(names, explain(error));
      else unplaced.push(error);
      continue;
    }
    const problems = problemsOf(error);
    const left: string[] = [];
    for (const { field, message } of problems) {
      const names = field ? place(field) : [];
      if (names.length) put(names, { key: "error.BAD_USER_INPUT", values: { detail: message } });
      else left.push(message);
    }
    if (left.length === problems.length) unplaced.push(error); // nothing placed: the error as it came
    else if (left.length) unplaced.push({ message: left.join("; "), extensions: { code: "BAD_USER_INPUT", reasons: left } });
  }
  return { said, rest: unplaced.length ? { graphQLErrors: unplaced } : null };
}

/** The API's refusal of one input, beside it (`id`: what the input's aria-describedby names). */
export function Beside({ id, said }: { id: string; said?: Said }) {
  const { t } = useI18n();
  return said ? <small id={id} className="field-error">{t(said.key, said.values)}</small> : null;
}

/** The ids an input is described by: its hint, and its refusal when there is one. */
export function describedBy(...ids: (string | false | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}
