// Platform staff across companies: the last 30 days' figures of every company together and every company's
// tickets (filtered by status, a cursor page at a time). The API decides what a platform role may see: without the
// global permission it refuses, and the refusal is what shows.
import { useQuery } from "@apollo/client";
import { useMemo, useState } from "react";
import { Link } from "react-router-dom";

import { Pager } from "../../components/AdminParts";
import { ErrorMessage } from "../../components/ErrorMessage";
import { duration, lastDays, percent } from "../../components/figures";
import { PlatformOverviewDocument, type TicketStatus } from "../../gql/graphql";
import { useI18n } from "../../i18n/i18n";

const PAGE = 20;
const STATUSES: TicketStatus[] = ["OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED", "CLOSED", "CANCELLED"];

export function Overview() {
  const { t, dateTime } = useI18n();
  const [status, setStatus] = useState<TicketStatus | "">("");
  const [after, setAfter] = useState<(string | null)[]>([null]);
  const { from, to } = useMemo(() => lastDays(30), []);
  const { data, error } = useQuery(PlatformOverviewDocument, { variables: {
    from, to, filter: status ? { status: [status] } : null, first: PAGE, after: after[after.length - 1],
  } });
  const stats = data?.ticketStats;
  const page = data?.tickets;
  return (
    <main id="content" className="admin dashboard">
      <h1>{t("platform.title")}</h1>
      <p>{t("platform.intro")}</p>
      <ErrorMessage error={error} />
      {stats && (
        <dl className="figures" aria-label={t("dashboard.lastDays", { days: 30 })}>
          <div><dt>{t("dashboard.tickets")}</dt><dd>{stats.byStatus.reduce((sum, s) => sum + s.count, 0)}</dd></div>
          <div><dt>{t("dashboard.firstResponse")}</dt><dd>{duration(stats.firstResponse.p50Minutes)}</dd></div>
          <div><dt>{t("dashboard.resolution")}</dt><dd>{duration(stats.resolution.p50Minutes)}</dd></div>
          <div><dt>{t("dashboard.slaResponse")}</dt><dd>{percent(stats.sla.responseRate)}</dd></div>
          <div><dt>{t("dashboard.slaResolution")}</dt><dd>{percent(stats.sla.resolutionRate)}</dd></div>
          <div><dt>{t("dashboard.breached")}</dt><dd>{stats.sla.breachedTickets}</dd></div>
        </dl>
      )}
      <h2>{t("platform.tickets")}</h2>
      <div className="filters">
        <label>{t("people.status")}
          <select value={status} onChange={(e) => { setStatus(e.target.value as TicketStatus | ""); setAfter([null]); }}>
            <option value="">{t("people.anyStatus")}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
          </select>
        </label>
      </div>
      {page && (
        <>
          <p>{t("people.count", { count: page.totalCount })}</p>
          <table className="overview">
            <thead><tr><th scope="col">{t("platform.ticket")}</th><th scope="col">{t("platform.company")}</th>
              <th scope="col">{t("people.status")}</th><th scope="col">{t("tickets.priority")}</th>
              <th scope="col">{t("platform.assignee")}</th><th scope="col">{t("platform.created")}</th></tr></thead>
            <tbody>
              {page.edges.map(({ node }) => (
                <tr key={node.id}>
                  <th scope="row"><Link to={`/tickets/${node.id}`}>{node.reference}</Link> {node.title}</th>
                  <td>{node.company.name}</td>
                  <td>{t(`status.${node.status}`)}{node.sla?.breached && <> · <strong>{t("platform.breached")}</strong></>}</td>
                  <td>{t(`priority.${node.priority}`)}</td>
                  <td>{node.assignee?.name ?? "—"}</td>
                  <td>{dateTime(node.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager cursors={after} onChange={setAfter} hasNextPage={page.pageInfo.hasNextPage}
                 endCursor={page.pageInfo.endCursor} />
        </>
      )}
    </main>
  );
}
