// The helpdesk at a glance, for administrators and agents: the backlog by status and priority, the open backlog
// day by day, first response and resolution times (median and p90, business minutes), SLA met, satisfaction and
// each agent's results, over a chosen period. Each chart has its table beside it (what a screen reader reads,
// and the exact numbers); the figures are asked again when tickets change, without a reload.
import { useQuery } from "@apollo/client";
import { useMemo, useState } from "react";
import {
  Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis,
} from "recharts";

import { useRefetchOnTicketChanges } from "../../components/AdminParts";
import { duration, lastDays, percent } from "../../components/figures";
import { ErrorMessage } from "../../components/ErrorMessage";
import { DashboardStatsDocument } from "../../gql/graphql";
import { useI18n } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/messages";

const PERIODS = [7, 30, 90] as const;

function Chart({ title, rows, kind, caption }: {
  title: string; caption: string; kind: "bar" | "line";
  rows: { label: string; value: number }[];
}) {
  return (
    <figure className="chart">
      <figcaption><h2>{title}</h2></figcaption>
      <div className="chart-body">
        {/* drawn for the eye; the table beside it carries the same numbers for everyone */}
        <div className="chart-plot" aria-hidden="true">
          <ResponsiveContainer width="100%" height={220}>
            {kind === "bar" ? (
              <BarChart data={rows} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="value" fill="#1f5fbf" isAnimationActive={false} />
              </BarChart>
            ) : (
              <LineChart data={rows} accessibilityLayer={false}>
                <CartesianGrid strokeDasharray="3 3" />
                <XAxis dataKey="label" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Line dataKey="value" stroke="#1f5fbf" dot={false} isAnimationActive={false} />
              </LineChart>
            )}
          </ResponsiveContainer>
        </div>
        <table className="chart-table">
          <caption className="sr-only">{caption}</caption>
          <tbody>
            {rows.map((row) => <tr key={row.label}><th scope="row">{row.label}</th><td>{row.value}</td></tr>)}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

export function Dashboard() {
  const { t, dateTime } = useI18n();
  const [days, setDays] = useState<(typeof PERIODS)[number]>(30);
  // the period's ends, fixed while it is chosen (a refresh asks for the same period)
  const { from, to } = useMemo(() => lastDays(days), [days]);
  const { data, error, refetch } = useQuery(DashboardStatsDocument, { variables: { from, to } });
  useRefetchOnTicketChanges(refetch);
  const stats = data?.ticketStats;
  const total = stats?.byStatus.reduce((sum, s) => sum + s.count, 0) ?? 0;

  return (
    <main id="content" className="admin dashboard">
      <h1>{t("dashboard.title")}</h1>
      <label>{t("dashboard.period")}{" "}
        <select value={days} onChange={(e) => setDays(Number(e.target.value) as (typeof PERIODS)[number])}>
          {PERIODS.map((d) => <option key={d} value={d}>{t("dashboard.lastDays", { days: d })}</option>)}
        </select>
      </label>
      <ErrorMessage error={error} />
      {stats && (
        <>
          <dl className="figures" data-testid="figures">
            <div><dt>{t("dashboard.tickets")}</dt><dd data-figure="tickets">{total}</dd></div>
            <div><dt>{t("dashboard.firstResponse")}</dt>
              <dd>{duration(stats.firstResponse.p50Minutes)} · p90 {duration(stats.firstResponse.p90Minutes)}</dd></div>
            <div><dt>{t("dashboard.resolution")}</dt>
              <dd>{duration(stats.resolution.p50Minutes)} · p90 {duration(stats.resolution.p90Minutes)}</dd></div>
            <div><dt>{t("dashboard.slaResponse")}</dt><dd>{percent(stats.sla.responseRate)}</dd></div>
            <div><dt>{t("dashboard.slaResolution")}</dt><dd>{percent(stats.sla.resolutionRate)}</dd></div>
            <div><dt>{t("dashboard.breached")}</dt><dd>{stats.sla.breachedTickets}</dd></div>
          </dl>
          <div className="charts">
            <Chart kind="bar" title={t("dashboard.byStatus")} caption={t("dashboard.byStatus")}
                   rows={stats.byStatus.map((s) => ({ label: t(`status.${s.status}` as MessageKey), value: s.count }))} />
            <Chart kind="bar" title={t("dashboard.byPriority")} caption={t("dashboard.byPriority")}
                   rows={stats.byPriority.map((p) => ({ label: t(`priority.${p.priority}` as MessageKey), value: p.count }))} />
            <Chart kind="line" title={t("dashboard.backlog")} caption={t("dashboard.backlog")}
                   rows={stats.backlog.map((b) => ({ label: dateTime(b.at).split(",")[0], value: b.open }))} />
          </div>
          <section aria-labelledby="agents-title">
            <h2 id="agents-title">{t("dashboard.agents")}</h2>
            <table className="people">
              <thead><tr><th scope="col">{t("people.name")}</th><th scope="col">{t("dashboard.resolved")}</th>
                <th scope="col">{t("dashboard.rated")}</th><th scope="col">{t("dashboard.csat")}</th></tr></thead>
              <tbody>
                {stats.agents.map((a) => (
                  <tr key={a.agent.id}><th scope="row">{a.agent.name}</th><td>{a.resolved}</td><td>{a.rated}</td>
                    <td>{a.averageRating == null ? "—" : a.averageRating.toFixed(1)}</td></tr>
                ))}
              </tbody>
            </table>
          </section>
        </>
      )}
    </main>
  );
}
