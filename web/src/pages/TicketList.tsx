// A list of tickets: the customer's own ("my tickets") or the desk's queue. It follows `ticketsChanged`: a ticket
// raised, moved or assigned elsewhere shows here without a reload.
import { useQuery, useSubscription } from "@apollo/client";
import { Link } from "react-router-dom";

import { ErrorMessage } from "../components/ErrorMessage";
import { TicketQueueChangesDocument, TicketQueueDocument, type TicketView } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";

const PAGE = 25;

export function TicketList({ title, view }: { title: MessageKey; view: TicketView }) {
  const { t, dateTime } = useI18n();
  const { data, loading, error, fetchMore, refetch } = useQuery(TicketQueueDocument, {
    variables: { view, first: PAGE },
    notifyOnNetworkStatusChange: true,
  });
  useSubscription(TicketQueueChangesDocument, {
    onData: () => {
      void refetch({ view, first: Math.max(PAGE, data?.tickets.edges.length ?? 0), after: null });
    },
  });
  const tickets = data?.tickets;

  return (
    <main id="content">
      <h1>{t(title)}</h1>
      <ErrorMessage error={error} />
      {tickets && <p className="muted">{t("tickets.count", { count: tickets.totalCount })}</p>}
      {tickets && tickets.edges.length === 0 && <p>{t("tickets.empty")}</p>}
      {tickets && tickets.edges.length > 0 && (
        <table className="tickets">
          <thead>
            <tr>
              <th scope="col">{t("tickets.reference")}</th>
              <th scope="col">{t("tickets.subject")}</th>
              <th scope="col">{t("tickets.status")}</th>
              <th scope="col">{t("tickets.priority")}</th>
              <th scope="col">{t("tickets.assignee")}</th>
              <th scope="col">{t("tickets.due")}</th>
            </tr>
          </thead>
          <tbody>
            {tickets.edges.map(({ node }) => (
              <tr key={node.id} data-ticket={node.reference}>
                <td><Link to={`/tickets/${node.id}`}>{node.reference}</Link></td>
                <td>{node.title}</td>
                <td><span className={`status status-${node.status}`}>{t(`status.${node.status}` as MessageKey)}</span></td>
                <td>{t(`priority.${node.priority}` as MessageKey)}</td>
                <td>{node.assignee?.name ?? t("tickets.unassigned")}</td>
                <td>
                  {dateTime(node.sla?.resolutionDueAt)}
                  {node.sla?.breached && <strong className="breached"> {t("tickets.breached")}</strong>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {loading && <p aria-live="polite">{t("common.loading")}</p>}
      {tickets?.pageInfo.hasNextPage && (
        <button type="button" disabled={loading}
                onClick={() => void fetchMore({ variables: { after: tickets.pageInfo.endCursor } })}>
          {t("tickets.more")}
        </button>
      )}
    </main>
  );
}
