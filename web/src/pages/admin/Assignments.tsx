// The log of automatic assignment decisions ("why did Ana get this ticket?"): newest first, a cursor page at a time,
// each with the sentence that explains it, every fitting agent's score and the numbers behind it, and the agents
// left out with the reason. `?ticket=<id>` shows one ticket's decisions (the ticket page links here).
import { useQuery } from "@apollo/client";
import { useState } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { Pager, type Said, useRefetchOnTicketChanges } from "../../components/AdminParts";
import { ErrorMessage } from "../../components/ErrorMessage";
import { AssignmentDecisionsDocument, type AssignmentDecisionsQuery } from "../../gql/graphql";
import { en as texts } from "../../i18n/admin/assignments";
import { useI18n } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/messages";

const PAGE = 10;

type Decision = AssignmentDecisionsQuery["assignmentDecisions"]["edges"][number]["node"];

/** The factors shown as columns; the rest are under "every factor". */
const COLUMNS = ["openTickets", "busy", "capacity", "trust"] as const;

/** A factor's name in the reader's language (a factor this screen does not know keeps the IA's name). */
export function factorLabel(name: string): Said | string {
  const key = `assignments.factor.${name}`;
  return key in texts ? { key: key as MessageKey, values: {} } : name;
}

/** Why an agent was left out, from the IA's reason, in the reader's language (an unknown reason as it came). */
export function whyNot(reason: string): Said | string {
  if (reason === "not active") return { key: "assignments.why.notActive", values: {} };
  if (reason === "offline") return { key: "assignments.why.offline", values: {} };
  if (reason === "held the ticket before") return { key: "assignments.why.heldBefore", values: {} };
  let found = /^not in the care group (.+)$/.exec(reason);
  if (found) return { key: "assignments.why.careGroup", values: { group: found[1] } };
  found = /^no skill in (.+)$/.exec(reason);
  if (found) return { key: "assignments.why.noSkill", values: { category: found[1] } };
  return reason;
}

const number = (value: number) => String(Math.round(value * 1000) / 1000);

/** The sentence that explains a decision, from its candidates (the IA's own reason is English only). */
export function explanation(decision: Pick<Decision, "assignee" | "candidates" | "excluded">): Said {
  const ranked = decision.candidates;
  const chosen = ranked.find((c) => c.chosen);
  if (!decision.assignee || !chosen) {
    return { key: decision.excluded.length ? "assignments.nobody" : "assignments.nobodyOnline", values: {} };
  }
  const name = decision.assignee.name;
  if (ranked.length === 1) return { key: "assignments.only", values: { name } };
  const next = ranked.find((c) => !c.chosen) as (typeof ranked)[number];
  if (next.score === chosen.score) return { key: "assignments.tied", values: { name, count: ranked.length } };
  return { key: "assignments.lowest",
           values: { name, count: ranked.length, score: number(chosen.score), next: number(next.score) } };
}

export function DecisionCard({ decision }: { decision: Decision }) {
  const { t, dateTime } = useI18n();
  const say = (said: Said | string) => (typeof said === "string" ? said : t(said.key, said.values));
  const why = explanation(decision);
  const ticket = `${decision.ticket.reference} ${decision.ticket.title}`;
  return (
    <article className="decision" aria-labelledby={`decision-${decision.id}`} data-ticket={decision.ticket.id}>
      <h2 id={`decision-${decision.id}`}>
        <Link to={`/tickets/${decision.ticket.id}`}>{decision.ticket.reference}</Link> {decision.ticket.title}
      </h2>
      <p>
        {t("assignments.decidedAt", { when: dateTime(decision.decidedAt) })}
        {decision.assignee && <> · <strong>{t("assignments.assignedTo", { name: decision.assignee.name })}</strong></>}
      </p>
      <p data-why>{t(why.key, why.values)}</p>
      {decision.candidates.length > 0 && (
        <table className="candidates">
          <caption>{t("assignments.candidates", { ticket })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("assignments.agent")}</th>
              <th scope="col">{t("assignments.score")}</th>
              {COLUMNS.map((c) => <th scope="col" key={c}>{say(factorLabel(c))}</th>)}
              <th scope="col">{t("assignments.allFactors")}</th>
            </tr>
          </thead>
          <tbody>
            {decision.candidates.map((c) => {
              const value = (name: string) => c.factors.find((f) => f.name === name)?.value;
              return (
                <tr key={c.user.id} className={c.chosen ? "chosen" : undefined}>
                  <th scope="row">{c.user.name}{c.chosen && <> <small>({t("assignments.chosen")})</small></>}</th>
                  <td>{number(c.score)}</td>
                  {COLUMNS.map((name) => <td key={name}>{value(name) === undefined ? "—" : number(value(name) as number)}</td>)}
                  <td>
                    <details>
                      <summary>{t("assignments.allFactors")}<span className="sr-only">: {c.user.name}</span></summary>
                      <dl>
                        {c.factors.map((f) => (
                          <div key={f.name}><dt>{say(factorLabel(f.name))}</dt><dd>{number(f.value)}</dd></div>
                        ))}
                      </dl>
                    </details>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {decision.excluded.length > 0 && (
        <p>{t("assignments.excluded")}:{" "}
          {decision.excluded.map((e) => `${e.user.name} (${say(whyNot(e.reason))})`).join(", ")}</p>
      )}
    </article>
  );
}

export function Assignments() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const ticketId = params.get("ticket");
  const [after, setAfter] = useState<(string | null)[]>([null]);
  const decisions = useQuery(AssignmentDecisionsDocument, {
    variables: { ticketId, first: PAGE, after: after[after.length - 1] }, fetchPolicy: "cache-and-network",
  });
  useRefetchOnTicketChanges(decisions.refetch); // a new ticket routed, or assigned, shows without a reload
  const page = decisions.data?.assignmentDecisions;
  return (
    <main id="content" className="admin">
      <h1>{t(ticketId ? "assignments.ofTicket" : "assignments.title")}</h1>
      <p>{t("assignments.intro")}</p>
      {ticketId && <p><button type="button" className="quiet" onClick={() => { setParams({}); setAfter([null]); }}>
        {t("assignments.all")}</button></p>}
      <ErrorMessage error={decisions.error} />
      {page && (
        <>
          <p>{page.totalCount ? t("assignments.count", { count: page.totalCount }) : t("assignments.empty")}</p>
          {page.edges.map(({ node }) => <DecisionCard key={node.id} decision={node} />)}
          <Pager cursors={after} onChange={setAfter} hasNextPage={page.pageInfo.hasNextPage}
                 endCursor={page.pageInfo.endCursor} />
        </>
      )}
    </main>
  );
}
