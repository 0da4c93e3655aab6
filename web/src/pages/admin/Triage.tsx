// Triage for the company administrator: whether the IA's classifier has learnt the company's own way yet (until it
// has, the catalogue is its only guide), and the tickets it was unsure of, a cursor page at a time, each with what
// it proposed and how sure it was. A person confirms or corrects a ticket's category, type and priority from the
// list (the proposal is the default): the tickets service then stops flagging it, and it leaves the list.
import { useMutation, useQuery } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import { Pager, type Said, useRefetchOnTicketChanges } from "../../components/AdminParts";
import { ErrorMessage } from "../../components/ErrorMessage";
import { placeRefusals } from "../../components/Refusals";
import {
  AdminTriageCategoriesDocument, AdminTriageModelDocument, AdminTriageQueueDocument, AdminTriageTicketDocument,
  type AdminTriageModelQuery, type AdminTriageQueueQuery, type Priority, type TicketType, type UpdateTicketInput,
} from "../../gql/graphql";
import { useI18n, type Translate } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/messages";
import "./Triage.css";

const PAGE = 10;

type Ticket = AdminTriageQueueQuery["tickets"]["edges"][number]["node"];
type Model = AdminTriageModelQuery["triageModel"];

const TYPES: TicketType[] = ["REQUEST", "INCIDENT"];
const PRIORITIES: Priority[] = ["LOW", "MEDIUM", "HIGH", "CRITICAL"];
/** What the IA classifies, in the order a person reads a triage. */
const TARGETS = ["category", "type", "priority"] as const;
const TARGET_LABEL: Record<(typeof TARGETS)[number], MessageKey> = {
  category: "ia.category", type: "ia.type", priority: "ia.priority",
};

export interface TriageForm { category: string; type: TicketType; priority: Priority }

const percent = (x: number) => Math.round(x * 100);

function oneOf<T extends string>(value: string | null | undefined, allowed: T[]): T | null {
  const upper = (value ?? "").toUpperCase();
  return (allowed as string[]).includes(upper) ? (upper as T) : null;
}

/** The triage offered by default: what the IA proposed, or the ticket's own value where it proposed nothing usable. */
export function proposal(ticket: Pick<Ticket, "category" | "type" | "priority" | "classification">): TriageForm {
  const c = ticket.classification;
  return {
    category: c?.category?.value.trim() || ticket.category,
    type: oneOf(c?.type?.value, TYPES) ?? ticket.type,
    priority: oneOf(c?.priority?.value, PRIORITIES) ?? ticket.priority,
  };
}

/** The categories to choose from: the catalogue's, and the ticket's and the IA's own (once each, sorted). */
export function categoryChoices(catalogue: { category: string }[], ...also: (string | null | undefined)[]): string[] {
  const all = [...catalogue.map((i) => i.category), ...also].map((c) => (c ?? "").trim()).filter(Boolean);
  return [...new Set(all)].sort((a, b) => a.localeCompare(b));
}

/** A person's triage as `updateTicket`'s input: all three, as a person stands behind all three. */
export function triageInput(form: TriageForm): UpdateTicketInput {
  return { category: form.category, type: form.type, priority: form.priority };
}

/** A failed triage's refusals: those naming category, type or priority beside that field (each reason of several
 * beside its own), the rest (a ticket closed meanwhile names `id`) for the form as a whole. */
export function triageRefusals(failure: unknown): { byField: Partial<Record<keyof TriageForm, Said>>; rest: unknown } {
  const { said, rest } = placeRefusals(failure, (field) => {
    const name = field.split(".").pop() ?? "";
    return (TARGETS as readonly string[]).includes(name) ? [name] : [];
  });
  return { byField: said as Partial<Record<keyof TriageForm, Said>>, rest };
}

/** A label of a target in the reader's language: types and priorities by their name, categories as they are. */
export function labelText(t: Translate, target: string, label: string): string {
  if (target === "type" && oneOf(label, TYPES)) return t(`triage.type.${label.toUpperCase()}` as MessageKey);
  if (target === "priority" && oneOf(label, PRIORITIES)) return t(`priority.${label.toUpperCase()}` as MessageKey);
  return label;
}

/** Where the IA's learning stands, so an administrator knows how far to trust its proposals. */
export function ModelState({ model }: { model: Model }) {
  const { t, dateTime } = useI18n();
  const byTarget = new Map(model.targets.map((target) => [target.target, target]));
  const targets: string[] = [...TARGETS, // and any other the IA learns one day
    ...model.targets.map((x) => x.target).filter((x) => !(TARGETS as readonly string[]).includes(x))];
  return (
    <section aria-labelledby="triage-model">
      <h2 id="triage-model">{t("triage.model")}</h2>
      <p>{model.trained && model.trainedAt ? t("triage.trained", { date: dateTime(model.trainedAt) })
        : model.trained ? t("triage.trained", { date: "—" }) : t("triage.notTrained")}</p>
      <p>{t("triage.labelled", { count: model.labelledTickets })}</p>
      {model.trained && (
        <table className="triage-targets">
          <caption>{t("triage.targets")}</caption>
          <thead><tr><th scope="col">{t("triage.target")}</th><th scope="col">{t("triage.examples")}</th>
            <th scope="col">{t("triage.labels")}</th></tr></thead>
          <tbody>
            {targets.map((name) => {
              const found = byTarget.get(name);
              const label = name in TARGET_LABEL ? t(TARGET_LABEL[name as keyof typeof TARGET_LABEL]) : name;
              return (
                <tr key={name}>
                  <th scope="row">{label}</th>
                  {found ? <><td>{found.examples}</td>
                    <td>{found.labels.map((l) => labelText(t, name, l)).join(", ")}</td></>
                    : <td colSpan={2}>{t("triage.catalogueOnly")}</td>}
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Where the IA's proposal came from: the catalogue, the company's own classifier, or some of each. */
export function sources(c: NonNullable<Ticket["classification"]>): ("CATALOGUE" | "COMPANY")[] {
  const found = new Set(TARGETS.map((target) => c[target]?.source).filter((x) => x !== undefined));
  return (["COMPANY", "CATALOGUE"] as const).filter((x) => found.has(x));
}

function Proposed({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n();
  const c = ticket.classification;
  if (!c) return <>{t("triage.notClassified")}</>;
  return (
    <>
      <dl className="triage-values">
        {TARGETS.map((target) => {
          const guess = c[target];
          return guess && (
            <div key={target}><dt>{t(TARGET_LABEL[target])}</dt>
              <dd>{labelText(t, target, guess.value)} <small>({percent(guess.confidence)}%)</small></dd>
            </div>
          );
        })}
      </dl>
      <small>{t("triage.overall", { percent: percent(c.confidence), threshold: percent(c.threshold),
        source: sources(c).map((x) => t(`triage.source.${x}`)).join(", ") })}</small>
    </>
  );
}

export function TriageRow({ ticket, catalogue, onTriaged }: {
  ticket: Ticket; catalogue: { category: string }[]; onTriaged: (reference: string) => void;
}) {
  const { t } = useI18n();
  const [form, setForm] = useState<TriageForm>(() => proposal(ticket));
  const [save, saving] = useMutation(AdminTriageTicketDocument);
  const { byField, rest } = triageRefusals(saving.error);
  const id = `triage-${ticket.id}`;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await save({ variables: { id: ticket.id, input: triageInput(form) } }).catch(() => null);
    const saved = done?.data?.updateTicket;
    if (saved && !saved.needsReview) onTriaged(ticket.reference); // a person's triage ends the review
  }

  const refusal = (name: keyof TriageForm) => byField[name] && (
    <small id={`${id}-${name}-error`} className="field-error">{t(byField[name].key, byField[name].values)}</small>
  );
  const described = (name: keyof TriageForm) => (byField[name] ? `${id}-${name}-error` : undefined);

  return (
    <tr>
      <th scope="row"><Link to={`/tickets/${ticket.id}`}>{ticket.reference}</Link><br />{ticket.title}</th>
      <td>
        <dl className="triage-values">
          <div><dt>{t("ia.category")}</dt><dd>{ticket.category}</dd></div>
          <div><dt>{t("ia.type")}</dt><dd>{labelText(t, "type", ticket.type)}</dd></div>
          <div><dt>{t("ia.priority")}</dt><dd>{t(`priority.${ticket.priority}`)}</dd></div>
        </dl>
      </td>
      <td><Proposed ticket={ticket} /></td>
      <td>
        <form onSubmit={submit} aria-label={t("triage.of", { reference: ticket.reference })} aria-busy={saving.loading}
              className="triage-form">
          <label>{t("ia.category")}
            <select name="category" value={form.category} aria-invalid={!!byField.category}
                    aria-describedby={described("category")}
                    onChange={(e) => setForm({ ...form, category: e.target.value })}>
              {categoryChoices(catalogue, ticket.category, form.category).map((c) => <option key={c} value={c}>{c}</option>)}
            </select>
            {refusal("category")}
          </label>
          <label>{t("ia.type")}
            <select name="type" value={form.type} aria-invalid={!!byField.type} aria-describedby={described("type")}
                    onChange={(e) => setForm({ ...form, type: e.target.value as TicketType })}>
              {TYPES.map((x) => <option key={x} value={x}>{t(`triage.type.${x}`)}</option>)}
            </select>
            {refusal("type")}
          </label>
          <label>{t("ia.priority")}
            <select name="priority" value={form.priority} aria-invalid={!!byField.priority}
                    aria-describedby={described("priority")}
                    onChange={(e) => setForm({ ...form, priority: e.target.value as Priority })}>
              {PRIORITIES.map((x) => <option key={x} value={x}>{t(`priority.${x}`)}</option>)}
            </select>
            {refusal("priority")}
          </label>
          {rest ? <ErrorMessage error={rest} /> : null}
          <button type="submit" disabled={saving.loading} aria-label={t("triage.saveOf", { reference: ticket.reference })}>
            {t("triage.save")}</button>
        </form>
      </td>
    </tr>
  );
}

export function Triage() {
  const { t } = useI18n();
  const model = useQuery(AdminTriageModelDocument);
  const [after, setAfter] = useState<(string | null)[]>([null]); // the cursor of each page seen, to go back
  const queue = useQuery(AdminTriageQueueDocument, { variables: { first: PAGE, after: after[after.length - 1] } });
  const catalogue = useQuery(AdminTriageCategoriesDocument);
  const [done, setDone] = useState<string | null>(null);
  useRefetchOnTicketChanges(queue.refetch); // a new ticket the IA was unsure of shows without a reload
  const page = queue.data?.tickets;
  // a ticket just triaged carries needsReview false in the cache at once: it leaves before the page is asked again
  const waiting = (page?.edges ?? []).map((e) => e.node).filter((ticket) => ticket.needsReview);

  function triaged(reference: string) {
    setDone(t("triage.done", { reference }));
    void queue.refetch();
    void model.refetch();
  }

  return (
    <main id="content" className="admin triage">
      <h1>{t("triage.title")}</h1>
      <ErrorMessage error={model.error} />
      {model.data && <ModelState model={model.data.triageModel} />}
      <section aria-labelledby="triage-queue">
        <h2 id="triage-queue">{t("triage.queue")}</h2>
        <p>{t("triage.queueHelp")}</p>
        <ErrorMessage error={queue.error ?? catalogue.error} />
        <p role="status">{done}</p>
        {page && (
          <>
            <p>{t("triage.count", { count: Math.max(0, page.totalCount - (page.edges.length - waiting.length)) })}</p>
            {waiting.length === 0 ? <p>{t("triage.empty")}</p> : (
              <table className="triage-queue">
                <thead><tr><th scope="col">{t("triage.ticket")}</th><th scope="col">{t("triage.now")}</th>
                  <th scope="col">{t("triage.proposed")}</th><th scope="col">{t("triage.yours")}</th></tr></thead>
                <tbody>
                  {waiting.map((ticket) => (
                    <TriageRow key={ticket.id} ticket={ticket} catalogue={catalogue.data?.serviceItems ?? []}
                               onTriaged={triaged} />
                  ))}
                </tbody>
              </table>
            )}
            <Pager cursors={after} onChange={setAfter} hasNextPage={page.pageInfo.hasNextPage}
                   endCursor={page.pageInfo.endCursor} />
          </>
        )}
      </section>
    </main>
  );
}
