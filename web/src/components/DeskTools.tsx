// The desk's tools on a ticket: assignment to an agent of its care group, delegation to an intern with the
// agent as tutor, merging a duplicate into it, links to other tickets, and its history.
import { useApolloClient, useMutation, useQuery } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Link } from "react-router-dom";

import {
  AssignTicketDocument, DelegateTicketDocument, DeskPeopleDocument, LinkTicketsDocument, MergeTicketsDocument,
  TicketByReferenceDocument, TicketDeskDetailDocument, TicketDetailDocument, UnlinkTicketsDocument, type LinkKind,
} from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { MESSAGES, type MessageKey } from "../i18n/messages";
import { ErrorMessage } from "./ErrorMessage";

const KINDS: LinkKind[] = ["RELATED", "PARENT", "CHILD"];
// Actions the app words itself; one the API adds later shows as its name until it is worded here.
const HISTORY_WORDED = new Set<string>(Object.keys(MESSAGES.en).filter((k) => k.startsWith("history."))
  .map((k) => k.slice("history.".length)));
const REFRESH = [TicketDeskDetailDocument, TicketDetailDocument];

/** A choice of one person of the ticket's care group, and the button that acts on them. */
function PersonPicker({ name, label, action, people, busy, onPick }: {
  name: string; label: string; action: string; people: readonly { id: string; name: string }[]; busy: boolean;
  onPick(id: string): void;
}) {
  const [chosen, setChosen] = useState("");
  return (
    <form className="inline" onSubmit={(e: FormEvent) => { e.preventDefault(); if (chosen) onPick(chosen); }}>
      <label>{label}
        <select name={name} value={chosen} onChange={(e) => setChosen(e.target.value)}>
          <option value="">—</option>
          {people.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
      </label>
      <button type="submit" disabled={!chosen || busy}>{action}</button>
    </form>
  );
}

export function DeskTools({ ticketId }: { ticketId: string }) {
  const { t, dateTime } = useI18n();
  const client = useApolloClient();
  const desk = useQuery(TicketDeskDetailDocument, { variables: { id: ticketId } });
  const ticket = desk.data?.ticket;
  const people = useQuery(DeskPeopleDocument, { variables: { careGroup: ticket?.careGroup ?? null }, skip: !ticket });
  const [assign, assigning] = useMutation(AssignTicketDocument, { refetchQueries: REFRESH });
  const [delegate, delegating] = useMutation(DelegateTicketDocument, { refetchQueries: REFRESH });
  const [merge, merging] = useMutation(MergeTicketsDocument, { refetchQueries: REFRESH });
  const [link, linking] = useMutation(LinkTicketsDocument, { refetchQueries: REFRESH });
  const [unlink, unlinking] = useMutation(UnlinkTicketsDocument, { refetchQueries: REFRESH });
  const [duplicate, setDuplicate] = useState("");
  const [other, setOther] = useState("");
  const [kind, setKind] = useState<LinkKind>("RELATED");
  const [missing, setMissing] = useState<string | null>(null);
  if (!ticket) return <ErrorMessage error={desk.error} />;
  const everyone = people.data?.users.edges.map((e) => e.node) ?? [];
  const agents = everyone.filter((p) => p.role?.key === "agent");
  const interns = everyone.filter((p) => p.role?.key === "intern");

  async function byReference(reference: string): Promise<string | null> {
    setMissing(null);
    const found = await client.query({ query: TicketByReferenceDocument, variables: { reference: reference.trim() },
                                       fetchPolicy: "network-only" });
    if (!found.data.ticketByReference) setMissing(reference.trim());
    return found.data.ticketByReference?.id ?? null;
  }
  const swallow = () => undefined;

  return (
    <section className="desk" aria-labelledby="desk-title">
      <h2 id="desk-title">{t("desk.title")}</h2>
      <div className="tools">
        <PersonPicker name="assignee" label={t("desk.assign")} action={t("desk.assignDo")} people={agents}
                      busy={assigning.loading}
                      onPick={(id) => void assign({ variables: { id: ticketId, assigneeId: id } }).catch(swallow)} />
        {ticket.assignee && !ticket.tutor && interns.length > 0 && (
          <PersonPicker name="intern" label={t("desk.delegate")} action={t("desk.delegateDo")} people={interns}
                        busy={delegating.loading}
                        onPick={(id) => void delegate({ variables: { id: ticketId, internId: id } }).catch(swallow)} />
        )}
        {ticket.tutor && <p>{t("desk.tutor", { name: ticket.tutor.name })}</p>}
        <form className="inline" onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void byReference(duplicate).then((id) => (id ? merge({ variables: { primaryId: ticketId, duplicateId: id } }) : null))
            .then(() => setDuplicate(""), swallow);
        }}>
          <label>{t("desk.merge")}
            <input name="duplicate" value={duplicate} onChange={(e) => setDuplicate(e.target.value)} />
          </label>
          <button type="submit" disabled={!duplicate.trim() || merging.loading}>{t("desk.mergeDo")}</button>
        </form>
        <form className="inline" onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void byReference(other).then((id) => (id ? link({ variables: { id: ticketId, otherId: id, kind } }) : null))
            .then(() => setOther(""), swallow);
        }}>
          <label>{t("desk.link")}
            <input name="linkOther" value={other} onChange={(e) => setOther(e.target.value)} />
          </label>
          <label>{t("desk.linkKind")}
            <select name="linkKind" value={kind} onChange={(e) => setKind(e.target.value as LinkKind)}>
              {KINDS.map((k) => <option key={k} value={k}>{t(`link.${k}` as MessageKey)}</option>)}
            </select>
          </label>
          <button type="submit" disabled={!other.trim() || linking.loading}>{t("desk.linkDo")}</button>
        </form>
      </div>
      {missing && <p role="alert" className="error">{t("desk.noSuchReference", { reference: missing })}</p>}
      <ErrorMessage error={assigning.error ?? delegating.error ?? merging.error ?? linking.error ?? unlinking.error} />
      {(ticket.parent || ticket.children.length > 0 || ticket.related.length > 0) && (
        <dl className="links">
          {([["desk.parent", ticket.parent ? [ticket.parent] : []], ["desk.children", ticket.children],
             ["desk.related", ticket.related]] as const).map(([label, list]) => list.length > 0 && (
            <div key={label}><dt>{t(label)}</dt>
              {list.map((l) => (
                <dd key={l.id}><Link to={`/tickets/${l.id}`}>{l.reference}</Link> {l.title}{" "}
                  <button type="button" className="link"
                          onClick={() => void unlink({ variables: { id: ticketId, otherId: l.id } }).catch(swallow)}>
                    {t("desk.unlink")}</button></dd>
              ))}
            </div>
          ))}
        </dl>
      )}
      <details>
        <summary>{t("desk.history")}</summary>
        <ol className="history">
          {ticket.history.edges.map(({ node }) => (
            <li key={node.id} data-action={node.action}>{dateTime(node.at)} · {node.actor?.name ?? t("desk.system")}{" "}
              {(HISTORY_WORDED.has(node.action) ? t(`history.${node.action}` as MessageKey) : node.action)}
              {node.field && <> · {node.field}: {node.oldValue ?? "—"} → {node.newValue ?? "—"}</>}</li>
          ))}
        </ol>
      </details>
    </section>
  );
}
