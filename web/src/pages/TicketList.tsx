// A list of tickets: the customer's own ("my tickets") or the desk's queue. It follows `ticketsChanged`: a ticket
// raised, moved or assigned elsewhere shows here without a reload.
import { useLazyQuery, useQuery, useSubscription } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { ErrorMessage } from "../components/ErrorMessage";
import {
  SearchTicketsDocument, TicketQueueChangesDocument, TicketQueueDocument, type TicketSortField, type TicketStatus,
  type TicketView,
} from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";

const PAGE = 25;
const VIEWS: TicketView[] = ["VISIBLE", "ASSIGNED_TO_ME", "CREATED_BY_ME", "WATCHING"];
const STATUSES: TicketStatus[] = ["OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED", "CLOSED", "CANCELLED"];
const SORTS: TicketSortField[] = ["CREATED_AT", "UPDATED_AT", "PRIORITY", "RESOLUTION_DUE"];

function Search() {
  const { t } = useI18n();
  const [text, setText] = useState("");
  const [search, { data, error, loading }] = useLazyQuery(SearchTicketsDocument);
  function submit(event: FormEvent) {
    event.preventDefault();
    if (text.trim()) void search({ variables: { text: text.trim(), limit: 10 } });
  }
  return (
    <section className="search" aria-label={t("queue.search")}>
      <form onSubmit={submit} className="inline">
        <label>{t("queue.search")}
          <input name="search" type="search" value={text} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" disabled={loading}>{t("queue.searchGo")}</button>
      </form>
      <ErrorMessage error={error} />
      {data && (
        <>
          <h2>{t("queue.results")}</h2>
          <ul className="results">{data.searchTickets.map((hit) => (
            <li key={hit.ticket.id}><Link to={`/tickets/${hit.ticket.id}`}>{hit.ticket.reference}</Link>{" "}
              {hit.ticket.title} <small>({Math.round(hit.similarity * 100)}%)</small></li>))}
          </ul>
        </>
      )}
    </section>
  );
}

/** The list's choices, kept in the address so a reload or a shared link shows the same list. */
function useChoices(initialView: TicketView) {
  const [params, setParams] = useSearchParams();
  const view = (params.get("view") as TicketView | null) ?? initialView;
  const status = params.get("status") as TicketStatus | null;
  const sort = (params.get("sort") as TicketSortField | null) ?? "CREATED_AT";
  const set = (name: string, value: string | null) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  return { view, status, sort, set };
}

export function TicketList({ title, view: initialView, controls = false }: {
  title: MessageKey; view: TicketView; controls?: boolean;
}) {
  const { t, dateTime } = useI18n();
  const { view, status, sort, set } = useChoices(initialView);
  const variables = {
    view, first: PAGE, filter: status ? { status: [status] } : null,
    sort: { field: sort, descending: sort === "CREATED_AT" || sort === "UPDATED_AT" || sort === "PRIORITY" },
  };
  const { data, loading, error, fetchMore, refetch } = useQuery(TicketQueueDocument, {
    variables, notifyOnNetworkStatusChange: true,
  });
  useSubscription(TicketQueueChangesDocument, {
    onData: () => {
      void refetch({ ...variables, first: Math.max(PAGE, data?.tickets.edges.length ?? 0), after: null });
    },
  });
  const tickets = data?.tickets;

  return (
    <main id="content">
      <h1>{t(title)}</h1>
      {controls && (
        <>
          <div className="controls">
            <label>{t("queue.view")}
              <select name="view" value={view} onChange={(e) => set("view", e.target.value)}>
                {VIEWS.map((v) => <option key={v} value={v}>{t(`view.${v}` as MessageKey)}</option>)}
              </select>
            </label>
            <label>{t("queue.status")}
              <select name="status" value={status ?? ""} onChange={(e) => set("status", e.target.value || null)}>
                <option value="">{t("queue.anyStatus")}</option>
                {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}` as MessageKey)}</option>)}
              </select>
            </label>
            <label>{t("queue.sort")}
              <select name="sort" value={sort} onChange={(e) => set("sort", e.target.value)}>
                {SORTS.map((s) => <option key={s} value={s}>{t(`sort.${s}` as MessageKey)}</option>)}
              </select>
            </label>
          </div>
          <Search />
        </>
      )}
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
                <td>{node.title}
                  {node.unreadCount ? <span className="unread" data-unread={node.unreadCount}>
                    {" "}{t("chat.unread", { count: node.unreadCount })}</span> : null}</td>
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
