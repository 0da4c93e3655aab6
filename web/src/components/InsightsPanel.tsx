// The IA's part of a ticket, for the desk: its triage with how sure it is, a likely duplicate, similar tickets,
// and replies that solved tickets like it (one click puts a reply in the reply box). The query defers the search
// (similar tickets, replies): the triage shows as soon as the gateway's first part arrives.
import { useQuery } from "@apollo/client";
import { useEffect } from "react";
import { Link } from "react-router-dom";

import { TicketInsightsDocument } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";
import { ErrorMessage } from "./ErrorMessage";

const UNTIL_CLASSIFIED_MS = 3000;
const percent = (x: number | null | undefined) => Math.round((x ?? 0) * 100);

export function InsightsPanel({ ticketId, onUseReply }: { ticketId: string; onUseReply(text: string): void }) {
  const { t } = useI18n();
  const { data, error, startPolling, stopPolling } = useQuery(TicketInsightsDocument, { variables: { ticketId } });
  const ticket = data?.ticket;
  const classified = !!ticket?.classification;
  useEffect(() => { // the IA triages a new ticket a moment after it is raised: look again until it has
    if (classified || !ticket) return undefined;
    startPolling(UNTIL_CLASSIFIED_MS);
    return () => stopPolling();
  }, [classified, ticket, startPolling, stopPolling]);
  if (error) return <aside className="insights"><ErrorMessage error={error} /></aside>;
  if (!ticket) return null;
  const c = ticket.classification;
  const rows: [MessageKey, { value?: string | null; confidence?: number | null } | null | undefined][] = [
    ["ia.category", c?.category], ["ia.type", c?.type], ["ia.priority", c?.priority]];

  return (
    <aside className="insights" aria-labelledby="insights-title">
      <h2 id="insights-title">{t("ia.title")}</h2>
      <h3>{t("ia.triage")}</h3>
      {!c ? <p>{t("ia.notYet")}</p> : (
        <>
          <dl className="triage">
            {rows.map(([label, guess]) => guess && (
              <div key={label}><dt>{t(label)}</dt>
                <dd>{label === "ia.priority" && guess.value ? t(`priority.${guess.value}` as MessageKey) : guess.value}{" "}<small>({t("ia.confidence", { percent: percent(guess.confidence) })})</small></dd></div>
            ))}
          </dl>
          {(ticket.needsReview || c.needsReview) && <p className="review">{t("ia.needsReview")}</p>}
          {c.applied && <p className="muted">{t("ia.applied")}</p>}
        </>
      )}
      {ticket.likelyDuplicateOf && (
        <p className="duplicate">{t("ia.duplicate")}{" "}
          <Link to={`/tickets/${ticket.likelyDuplicateOf.ticket.id}`}>{ticket.likelyDuplicateOf.ticket.reference}</Link>
          {" "}({t("ia.similarity", { percent: percent(ticket.likelyDuplicateOf.similarity) })})</p>
      )}
      <h3>{t("ia.similar")}</h3>
      {/* the search is deferred: the triage above shows first, these when the gateway sends them */}
      {ticket.similarTickets === undefined ? <p className="muted" role="status">{t("ia.searching")}</p>
        : ticket.similarTickets.length === 0 ? <p>{t("ia.noSimilar")}</p> : (
        <ul className="similar">
          {ticket.similarTickets.map((s) => (
            <li key={s.ticket.id}><Link to={`/tickets/${s.ticket.id}`}>{s.ticket.reference}</Link> {s.ticket.title}{" "}
              <small>({t("ia.similarity", { percent: percent(s.similarity) })})</small></li>
          ))}
        </ul>
      )}
      <h3>{t("ia.replies")}</h3>
      {ticket.similarTickets === undefined ? null : !ticket.suggestedReplies?.length ? <p>{t("ia.noReplies")}</p> : (
        <ul className="suggestions">
          {ticket.suggestedReplies.map((r, n) => (
            <li key={n}><p>{r.text}</p>
              <button type="button" className="secondary" onClick={() => onUseReply(r.text)}>{t("ia.use")}</button>
            </li>
          ))}
        </ul>
      )}
    </aside>
  );
}
