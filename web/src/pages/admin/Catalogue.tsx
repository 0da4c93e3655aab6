// The company administrator's service catalogue: every item the company may use (its own and the platform's,
// retired ones too, searched by name, description or category) with the priority the API derives and its targets in
// business minutes (and hours, for reading); an item added or edited (the update replaces the whole item) with its
// form's questions added, removed and reordered; an item retired and brought back. Platform-wide items are shown
// read-only. The API's refusals show beside the input they name, a form question's beside that question's input
// (the API names it by its place in the form sent; the screen keeps it with that question when it moves).
import { useMutation, useQuery } from "@apollo/client";
import { useEffect, useRef, useState, type FormEvent, type InputHTMLAttributes } from "react";

import { CheckedInput, Pager, type Said } from "../../components/AdminParts";
import { ErrorMessage } from "../../components/ErrorMessage";
import { Beside, describedBy, placeRefusals, type Place } from "../../components/Refusals";
import {
  AdminCatalogueDocument, AdminCatalogueNamesDocument, AdminCreateServiceItemDocument, AdminUpdateServiceItemDocument,
  type AdminServiceItemFragment, type FieldKind, type Level, type ServiceItemInput, type TicketType,
} from "../../gql/graphql";
import { useI18n } from "../../i18n/i18n";
import type { Language, MessageKey } from "../../i18n/messages";
import "./Catalogue.css";

const PAGE = 20; // items a page

const TYPES: TicketType[] = ["REQUEST", "INCIDENT"];
const LEVELS: Level[] = ["LOW", "MEDIUM", "HIGH"];
const KINDS: FieldKind[] = ["TEXT", "NUMBER", "DATE", "LIST"];
const MAX_QUESTIONS = 30; // the API's limit on a form
const MAX_INT = 2 ** 31 - 1; // GraphQL's Int: a larger number is refused before the API can say which field

// ---- the form's state, and the input the API takes ----

/** One question of the form being edited; `id` keeps its inputs (and errors) with it when it moves. */
export interface QuestionDraft { id: number; key: string; label: string; kind: FieldKind; required: boolean; options: string }

/** The item form's state, as typed (numbers as text). */
export interface ItemDraft {
  name: string; description: string; type: TicketType; category: string; impact: Level; urgency: Level;
  responseMinutes: string; resolutionMinutes: string; careGroup: string; form: QuestionDraft[];
}

let lastQuestion = 0;

export function questionDraft(field?: { key: string; label: string; kind: FieldKind; required: boolean; options: string[] }): QuestionDraft {
  return { id: ++lastQuestion, key: field?.key ?? "", label: field?.label ?? "", kind: field?.kind ?? "TEXT",
    required: field?.required ?? false, options: field?.options.join("\n") ?? "" };
}

/** An item's details as the form shows them; an empty form (a request of medium impact and urgency) without one. */
export function draftOf(item?: AdminServiceItemFragment | null): ItemDraft {
  return {
    name: item?.name ?? "", description: item?.description ?? "", type: item?.type ?? "REQUEST",
    category: item?.category ?? "", impact: item?.impact ?? "MEDIUM", urgency: item?.urgency ?? "MEDIUM",
    responseMinutes: String(item?.responseMinutes ?? 60), resolutionMinutes: String(item?.resolutionMinutes ?? 480),
    careGroup: item?.careGroup ?? "", form: (item?.form ?? []).map(questionDraft),
  };
}

/** A list question's options as typed: one per line, or (on a single line) separated by commas; blanks dropped. */
export function optionsOf(text: string): string[] {
  return (text.includes("\n") ? text.split("\n") : text.split(",")).map((o) => o.trim()).filter(Boolean);
}

/** Whole minutes as typed; what is not a number goes as 0, which the API refuses beside the field. */
export function minutesOf(text: string): number {
  const value = Number(text.trim());
  return text.trim() && Number.isFinite(value) ? Math.min(Math.max(Math.round(value), 0), MAX_INT) : 0;
}

/** The whole input `updateServiceItem` replaces an item with (or `createServiceItem` adds): only list questions
 * carry options (those typed before the kind changed are left out), optional texts left empty go as null. */
export function inputOf(draft: ItemDraft, active: boolean): ServiceItemInput {
  return {
    name: draft.name, description: draft.description.trim() || null, type: draft.type, category: draft.category,
    impact: draft.impact, urgency: draft.urgency, responseMinutes: minutesOf(draft.responseMinutes),
    resolutionMinutes: minutesOf(draft.resolutionMinutes), careGroup: draft.careGroup.trim() || null,
    form: draft.form.map((q) => ({ key: q.key, label: q.label, kind: q.kind, required: q.required,
      options: q.kind === "LIST" ? optionsOf(q.options) : null })),
    active,
  };
}

/** `list` with the entry at `index` moved one place up (-1) or down (+1); unchanged at either end. */
export function moved<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const to = index + delta;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return [...list];
  const next = [...list];
  [next[index], next[to]] = [next[to], next[index]];
  return next;
}

/** Business minutes as hours, for reading ("1,5" in Spanish). */
export function hoursOf(minutes: number, language: Language): string {
  return new Intl.NumberFormat(language, { maximumFractionDigits: 2 }).format(minutes / 60);
}

// ---- the API's refusals, beside the inputs they name ----

const ITEM_FIELDS = ["name", "description", "type", "category", "impact", "urgency", "responseMinutes",
  "resolutionMinutes", "careGroup", "form"];

/**
 * The catalogue's refusals by input name, for the questions as they were sent: the API names a question's field by
 * its place in the form sent (`form.1.key`: the second question's key); one it cannot name (or a question the form sent
 * did not have) goes to the form's questions as a whole.
 */
export function itemErrors(failure: unknown, sent: readonly QuestionDraft[]) {
  const place: Place = (field) => {
    if (ITEM_FIELDS.includes(field)) return [field];
    const indexed = /^form\.(\d+)\.(\w+)$/.exec(field);
    if (indexed) return Number(indexed[1]) < sent.length ? [field] : ["form"];
    return field.startsWith("form.") ? ["form"] : [];
  };
  return placeRefusals(failure, place);
}

// ---- the screen ----

/** A labelled input with an optional hint, and the API's refusal beside it. */
function Input({ name, label, value, onChange, said, hint, ...rest }: {
  name: string; label: string; value: string; onChange: (value: string) => void; said?: Said; hint?: string;
} & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "value" | "onChange">) {
  const id = `item-${name}`;
  return (
    <label>{label}
      <input {...rest} name={name} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={!!said}
             aria-describedby={describedBy(hint && `${id}-hint`, said && `${id}-error`)} />
      {hint && <small id={`${id}-hint`}>{hint}</small>}
      <Beside id={`${id}-error`} said={said} />
    </label>
  );
}

function Questions({ form, onChange, said, groupSaid, readOnly }: {
  form: QuestionDraft[]; onChange: (form: QuestionDraft[]) => void; said: (q: QuestionDraft, part: string) => Said | undefined;
  groupSaid?: Said; readOnly: boolean;
}) {
  const { t } = useI18n();
  const group = useRef<HTMLFieldSetElement>(null);
  const focusNext = useRef<string | null>(null); // what to focus once the questions are drawn again
  useEffect(() => {
    if (!focusNext.current) return;
    group.current?.querySelector<HTMLElement>(focusNext.current)?.focus();
    focusNext.current = null;
  });
  const set = (n: number, change: Partial<QuestionDraft>) => onChange(form.map((q, m) => (m === n ? { ...q, ...change } : q)));
  const move = (n: number, delta: -1 | 1) => {
    const to = n + delta; // the button pressed stays focused, or its partner once it is at the end
    const up = to > 0 && (delta < 0 || to === form.length - 1);
    focusNext.current = `[data-move="${form[n].id}-${up ? "up" : "down"}"]`;
    onChange(moved(form, n, delta));
  };
  const remove = (n: number) => {
    focusNext.current = n < form.length - 1 ? `[name="form.${n}.key"]` : "[data-add]";
    onChange(form.filter((_, m) => m !== n));
  };
  const add = () => {
    focusNext.current = `[name="form.${form.length}.key"]`;
    onChange([...form, questionDraft()]);
  };

  return (
    <fieldset className="questions" ref={group} aria-describedby={describedBy(groupSaid && "item-form-error")}>
      <legend>{t("catalogue.questions")}</legend>
      <p className="muted">{t(form.length ? "catalogue.questionsHelp" : "catalogue.noQuestions")}</p>
      <Beside id="item-form-error" said={groupSaid} />
      {form.map((q, n) => {
        const id = `item-form-${n}`;
        const kindSaid = said(q, "kind");
        const optionsSaid = said(q, "options");
        return (
          <fieldset key={q.id} className="question">
            <legend>{t("catalogue.question", { n: n + 1 })}</legend>
            <Input name={`form.${n}.key`} label={t("catalogue.key")} value={q.key} required hint={t("catalogue.keyHint")}
                   autoComplete="off" spellCheck={false} onChange={(key) => set(n, { key })} said={said(q, "key")} />
            <CheckedInput id={`${id}-label`} name={`form.${n}.label`} label="catalogue.label" value={q.label}
                          onChange={(label) => set(n, { label })} said={said(q, "label")} />
            <label>{t("catalogue.kind")}
              <select name={`form.${n}.kind`} value={q.kind} aria-invalid={!!kindSaid}
                      aria-describedby={describedBy(kindSaid && `${id}-kind-error`)}
                      onChange={(e) => set(n, { kind: e.target.value as FieldKind })}>
                {KINDS.map((k) => <option key={k} value={k}>{t(`catalogue.kind.${k}`)}</option>)}
              </select>
              <Beside id={`${id}-kind-error`} said={kindSaid} />
            </label>
            <label className="check">
              <input type="checkbox" name={`form.${n}.required`} checked={q.required}
                     onChange={(e) => set(n, { required: e.target.checked })} />
              {t("catalogue.required")}
            </label>
            {q.kind === "LIST" && (
              <label className="options">{t("catalogue.options")}
                <textarea name={`form.${n}.options`} rows={3} value={q.options} aria-invalid={!!optionsSaid}
                          aria-describedby={describedBy(optionsSaid && `${id}-options-error`)}
                          onChange={(e) => set(n, { options: e.target.value })} />
                <Beside id={`${id}-options-error`} said={optionsSaid} />
              </label>
            )}
            {!readOnly && (
              <div className="question-actions">
                <button type="button" className="secondary" data-move={`${q.id}-up`} disabled={n === 0}
                        onClick={() => move(n, -1)}>{t("catalogue.moveUp", { n: n + 1 })}</button>
                <button type="button" className="secondary" data-move={`${q.id}-down`} disabled={n === form.length - 1}
                        onClick={() => move(n, 1)}>{t("catalogue.moveDown", { n: n + 1 })}</button>
                <button type="button" className="secondary" onClick={() => remove(n)}>
                  {t("catalogue.removeQuestion", { n: n + 1 })}</button>
              </div>
            )}
          </fieldset>
        );
      })}
      {!readOnly && (
        <button type="button" className="secondary" data-add disabled={form.length >= MAX_QUESTIONS} onClick={add}>
          {t("catalogue.addQuestion")}</button>
      )}
    </fieldset>
  );
}

/** An item's form: a new item (`item` null), a company item to edit, or a platform-wide one to read. */
function ItemEditor({ item, focusAt, categories, careGroups, onClose }: {
  item: AdminServiceItemFragment | null; focusAt: number; categories: string[]; careGroups: string[]; onClose: () => void;
}) {
  const { t, language } = useI18n();
  const readOnly = !!item?.platformWide;
  const [draft, setDraft] = useState(() => draftOf(item));
  const [sent, setSent] = useState<QuestionDraft[]>([]); // the questions as last sent: the API's errors name them
  const [done, setDone] = useState<{ key: MessageKey; name: string } | null>(null);
  const [create, creating] = useMutation(AdminCreateServiceItemDocument, { refetchQueries: [AdminCatalogueDocument, AdminCatalogueNamesDocument] });
  const [update, updating] = useMutation(AdminUpdateServiceItemDocument);
  const saving = item ? updating : creating;
  const { said, rest } = itemErrors(saving.error, sent);
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => { // each time a person opens it (not when the page loads)
    if (!focusAt) return;
    heading.current?.focus();
    heading.current?.scrollIntoView?.({ block: "start" });
  }, [focusAt]);

  // a question's refusal follows it when it moves: by its place when it was sent
  const questionSaid = (q: QuestionDraft, part: string) => {
    const n = sent.findIndex((s) => s.id === q.id);
    return n < 0 ? undefined : said[`form.${n}.${part}`];
  };
  const change = (next: Partial<ItemDraft>) => {
    setDraft({ ...draft, ...next });
    setDone(null);
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setDone(null);
    setSent(draft.form);
    const input = inputOf(draft, item?.active ?? true);
    if (item) {
      const saved = await update({ variables: { id: item.id, input } }).catch(() => null);
      if (!saved?.data) return;
      setDraft(draftOf(saved.data.updateServiceItem));
      setSent([]);
      setDone({ key: "catalogue.saved", name: saved.data.updateServiceItem.name });
    } else {
      const created = await create({ variables: { input } }).catch(() => null);
      if (!created?.data) return;
      setDraft(draftOf());
      setSent([]);
      setDone({ key: "catalogue.created", name: created.data.createServiceItem.name });
    }
  }

  const minutes = (name: "responseMinutes" | "resolutionMinutes") => {
    const value = minutesOf(draft[name]);
    return (
      <Input name={name} label={t(`catalogue.${name}`)} type="number" step={1} inputMode="numeric" required
             value={draft[name]} onChange={(v) => change({ [name]: v })} said={said[name]}
             hint={value > 0 ? t("catalogue.inHours", { hours: hoursOf(value, language) }) : undefined} />
    );
  };
  const select = <T extends string>(name: "type" | "impact" | "urgency", values: T[], label: (v: T) => string) => (
    <label>{t(`catalogue.${name}`)}
      <select name={name} value={draft[name]} aria-invalid={!!said[name]}
              aria-describedby={describedBy(said[name] && `item-${name}-error`)}
              onChange={(e) => change({ [name]: e.target.value })}>
        {values.map((v) => <option key={v} value={v}>{label(v)}</option>)}
      </select>
      <Beside id={`item-${name}-error`} said={said[name]} />
    </label>
  );
  const title = !item ? t("catalogue.new") : readOnly ? t("catalogue.viewing", { name: item.name })
    : t("catalogue.edit", { name: item.name });

  return (
    <section aria-labelledby="item-title" className="item-editor">
      <h2 id="item-title" tabIndex={-1} ref={heading}>{title}</h2>
      {readOnly && <p>{t("catalogue.readOnlyHelp")}</p>}
      {item && !item.active && <p>{t("catalogue.retiredNote")}</p>}
      <form onSubmit={submit} aria-labelledby="item-title" aria-busy={saving.loading} className="item-form">
        <fieldset disabled={readOnly} className="plain">
          <div className="row">
            <CheckedInput id="item-name" name="name" label="catalogue.name" value={draft.name}
                          onChange={(name) => change({ name })} said={said.name} />
            <Input name="category" label={t("catalogue.category")} required list="item-categories" value={draft.category}
                   onChange={(category) => change({ category })} said={said.category} />
            <Input name="careGroup" label={t("catalogue.careGroup")} list="item-care-groups" value={draft.careGroup}
                   onChange={(careGroup) => change({ careGroup })} said={said.careGroup} />
          </div>
          <label>{t("catalogue.description")}
            <textarea name="description" rows={3} value={draft.description} aria-invalid={!!said.description}
                      aria-describedby={describedBy(said.description && "item-description-error")}
                      onChange={(e) => change({ description: e.target.value })} />
            <Beside id="item-description-error" said={said.description} />
          </label>
          <div className="row">
            {select("type", TYPES, (v) => t(`catalogue.type.${v}`))}
            {select("impact", LEVELS, (v) => t(`catalogue.impact.${v}`))}
            {select("urgency", LEVELS, (v) => t(`catalogue.urgency.${v}`))}
          </div>
          <p className="muted">{item && `${t("catalogue.priority")}: ${t(`priority.${item.priority}`)}. `}
            {t("catalogue.priorityHint")}</p>
          <div className="row">
            {minutes("responseMinutes")}
            {minutes("resolutionMinutes")}
          </div>
          <Questions form={draft.form} onChange={(form) => change({ form })} said={questionSaid} groupSaid={said.form}
                     readOnly={readOnly} />
        </fieldset>
        <datalist id="item-categories">{categories.map((c) => <option key={c} value={c} />)}</datalist>
        <datalist id="item-care-groups">{careGroups.map((c) => <option key={c} value={c} />)}</datalist>
        {!!rest && <ErrorMessage error={rest} />}
        <p role="status">{done && t(done.key, { name: done.name })}</p>
        <div className="actions">
          {!readOnly && (
            <button type="submit" disabled={saving.loading}>{t(item ? "catalogue.save" : "catalogue.create")}</button>
          )}
          {item && <button type="button" className="secondary" onClick={onClose}>{t("catalogue.close", { name: item.name })}</button>}
        </div>
      </form>
    </section>
  );
}

const distinct = (values: (string | null | undefined)[]) =>
  [...new Set(values.filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b));

export function Catalogue() {
  const { t, language } = useI18n();
  const [search, setSearch] = useState("");
  const [after, setAfter] = useState<(string | null)[]>([null]); // the cursor of each page seen, to go back
  const items = useQuery(AdminCatalogueDocument, {
    variables: { filter: { includeInactive: true, search: search.trim() || null }, first: PAGE,
                 after: after[after.length - 1] },
  });
  const names = useQuery(AdminCatalogueNamesDocument).data?.serviceItems;
  const [update, updating] = useMutation(AdminUpdateServiceItemDocument);
  const [toggled, setToggled] = useState<{ key: MessageKey; name: string } | null>(null);
  // the editor: a new item (null) or the item opened; `n` counts the openings (each moves the focus to it)
  const [open, setOpen] = useState<{ item: AdminServiceItemFragment | null; n: number }>({ item: null, n: 0 });
  const page = items.data?.serviceItemPage;
  const list = page?.edges.map((e) => e.node);
  const opened = open.item && (list?.find((i) => i.id === open.item?.id) ?? open.item); // as the list has it now

  async function toggle(item: AdminServiceItemFragment) {
    setToggled(null);
    const done = await update({ variables: { id: item.id, input: inputOf(draftOf(item), !item.active) } })
      .catch(() => null);
    if (done?.data) setToggled({ key: item.active ? "catalogue.retiredDone" : "catalogue.restoredDone", name: item.name });
  }
  const target = (minutes: number) => t("catalogue.minutes", { minutes, hours: hoursOf(minutes, language) });

  return (
    <main id="content" className="admin catalogue">
      <h1>{t("catalogue.title")}</h1>
      <div className="filters">
        <label>{t("catalogue.search")}
          <input type="search" name="search" value={search}
                 onChange={(e) => { setSearch(e.target.value); setAfter([null]); }} />
        </label>
        <button type="button" onClick={() => setOpen({ item: null, n: open.n + 1 })}>{t("catalogue.add")}</button>
      </div>
      <ErrorMessage error={items.error ?? updating.error} />
      <p role="status">{toggled && t(toggled.key, { name: toggled.name })}</p>
      {!list && items.loading && <p>{t("common.loading")}</p>}
      {list && (
        <>
          <p>{page?.totalCount ? t("catalogue.count", { count: page.totalCount }) : t("catalogue.empty")}</p>
          <table className="catalogue-items">
            <thead><tr>
              <th scope="col">{t("catalogue.name")}</th><th scope="col">{t("catalogue.category")}</th>
              <th scope="col">{t("catalogue.type")}</th><th scope="col">{t("catalogue.impact")}</th>
              <th scope="col">{t("catalogue.urgency")}</th><th scope="col">{t("catalogue.priority")}</th>
              <th scope="col">{t("catalogue.response")}</th><th scope="col">{t("catalogue.resolution")}</th>
              <th scope="col">{t("catalogue.careGroupColumn")}</th><th scope="col">{t("catalogue.status")}</th>
              <th scope="col"><span className="sr-only">{t("catalogue.actions")}</span></th>
            </tr></thead>
            <tbody>
              {list.map((item) => (
                <tr key={item.id} data-item={item.name} className={item.active ? undefined : "retired"}>
                  <th scope="row">{item.name}</th>
                  <td>{item.category}</td>
                  <td>{t(`catalogue.type.${item.type}`)}</td>
                  <td>{t(`catalogue.impact.${item.impact}`)}</td>
                  <td>{t(`catalogue.urgency.${item.urgency}`)}</td>
                  <td>{t(`priority.${item.priority}`)}</td>
                  <td>{target(item.responseMinutes)}</td>
                  <td>{target(item.resolutionMinutes)}</td>
                  <td>{item.careGroup ?? "—"}</td>
                  <td data-status>{t(item.active ? "catalogue.active" : "catalogue.retired")}
                    {item.platformWide && <><br /><small>{t("catalogue.platformWide")}</small></>}</td>
                  <td className="row-actions">
                    {item.platformWide ? (
                      <button type="button" className="quiet" aria-label={t("catalogue.show", { name: item.name })}
                              onClick={() => setOpen({ item, n: open.n + 1 })}>{t("catalogue.showShort")}</button>
                    ) : (
                      <>
                        <button type="button" aria-label={t("catalogue.edit", { name: item.name })}
                                onClick={() => setOpen({ item, n: open.n + 1 })}>{t("catalogue.editShort")}</button>
                        <button type="button" className="secondary" disabled={updating.loading}
                                aria-label={t(item.active ? "catalogue.retire" : "catalogue.restore", { name: item.name })}
                                onClick={() => void toggle(item)}>
                          {t(item.active ? "catalogue.retireShort" : "catalogue.restoreShort")}</button>
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {page && <Pager cursors={after} onChange={setAfter} hasNextPage={page.pageInfo.hasNextPage}
                          endCursor={page.pageInfo.endCursor} />}
        </>
      )}
      <ItemEditor key={open.item?.id ?? "new"} item={opened} focusAt={open.n}
                  categories={distinct((names ?? []).map((i) => i.category))}
                  careGroups={distinct((names ?? []).map((i) => i.careGroup))}
                  onClose={() => setOpen({ item: null, n: open.n + 1 })} />
    </main>
  );
}
