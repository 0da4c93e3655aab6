// One ticket as its people see it: its state (live through `ticketUpdated`), its details, the conversation
// (internal notes apart, for the desk only), a reply box, the moves `allowedTransitions` offers, and the rating
// once it is resolved.
import { useMutation, useQuery, useSubscription } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Link, useParams } from "react-router-dom";

import { useUser } from "../auth/context";
import { Chat } from "../chat/Chat";
import { DeskTools } from "../components/DeskTools";
import { ErrorMessage } from "../components/ErrorMessage";
import { InsightsPanel } from "../components/InsightsPanel";
import {
  ChangeTicketStatusDocument, RateTicketDocument, ReplyToTicketDocument, TicketDetailDocument, TicketUpdatedDocument,
  type TicketStatus,
} from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";

function Moves({ id, allowed }: { id: string; allowed: readonly TicketStatus[] }) {
  const { t } = useI18n();
  const [change, { loading, error }] = useMutation(ChangeTicketStatusDocument);
  const [holding, setHolding] = useState(false);
  const [reason, setReason] = useState("");
  if (!allowed.length) return null;

  function move(status: TicketStatus) {
    if (status === "ON_HOLD" && !holding) {
      setHolding(true);
      return;
    }
    void change({ variables: { id, status, reason: status === "ON_HOLD" ? reason : null } })
      .then(() => { setHolding(false); setReason(""); }, () => undefined);
  }

  return (
    <section aria-label={t("ticket.moveTo")} className="moves">
      {allowed.map((status) => (
        <button type="button" key={status} disabled={loading} onClick={() => move(status)}
                className={status === "CANCELLED" ? "secondary" : undefined}>
          {t(`verb.${status}` as MessageKey)}
        </button>
      ))}
      {holding && (
        <label>{t("ticket.holdReason")}
          <input name="holdReason" value={reason} onChange={(e) => setReason(e.target.value)} />
        </label>
      )}
      <ErrorMessage error={error} />
    </section>
  );
}

function Reply({ ticketId, staff, body, setBody }: {
  ticketId: string; staff: boolean; body: string; setBody(body: string): void;
}) {
  const { t } = useI18n();
  const [internal, setInternal] = useState(false);
  const [reply, { loading, error }] = useMutation(ReplyToTicketDocument, {
    refetchQueries: [TicketDetailDocument],
  });

  function submit(event: FormEvent) {
    event.preventDefault();
    void reply({ variables: { ticketId, input: { body, internal } } })
      .then(() => { setBody(""); setInternal(false); }, () => undefined);
  }

  return (
    <form onSubmit={submit} className="reply" aria-busy={loading}>
      <label>{t("ticket.reply")}
        <textarea name="body" rows={4} required value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {staff && (
        <label className="check">
          <input type="checkbox" name="internal" checked={internal} onChange={(e) => setInternal(e.target.checked)} />
          {t("ticket.asNote")}
        </label>
      )}
      <ErrorMessage error={error} />
      <button type="submit" disabled={loading || !body.trim()}>{t("ticket.send")}</button>
    </form>
  );
}

function Rating({ id, rated }: { id: string; rated: number | null }) {
  const { t } = useI18n();
  const [score, setScore] = useState(rated ?? 0);
  const [comment, setComment] = useState("");
  const [rate, { loading, error, data }] = useMutation(RateTicketDocument);
  const done = data?.rateTicket.rating?.score ?? rated;
  if (done) return <p className="rated" role="status">{t("ticket.rated", { score: done })}</p>;

  return (
    <form className="rating" onSubmit={(e) => {
      e.preventDefault();
      void rate({ variables: { id, score, comment: comment || null } }).catch(() => undefined);
    }}>
      <fieldset>
        <legend>{t("ticket.rate")}</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label key={n} className="star">
            <input type="radio" name="score" value={n} checked={score === n} onChange={() => setScore(n)} />
            {t("ticket.stars", { score: n })}
          </label>
        ))}
      </fieldset>
      <label>{t("ticket.rateComment")}
        <input name="ratingComment" value={comment} onChange={(e) => setComment(e.target.value)} />
      </label>
      <ErrorMessage error={error} />
      <button type="submit" disabled={loading || !score}>{t("ticket.rateSend")}</button>
    </form>
  );
}

export function TicketPage() {
  const { id = "" } = useParams();
  const { t, dateTime } = useI18n();
  const user = useUser();
  const { data, error, loading, refetch } = useQuery(TicketDetailDocument, { variables: { id } });
  const [draft, setDraft] = useState("");
  useSubscription(TicketUpdatedDocument, {
    variables: { ticketId: id },
    onData: ({ data: live }) => {
      const count = live.data?.ticketUpdated?.commentCount;
      if (count !== undefined && count !== data?.ticket?.comments.edges.length) void refetch();
    },
  });
  const ticket = data?.ticket;
  if (error) return <main id="content"><ErrorMessage error={error} /></main>;
  if (!ticket) {
    return <main id="content"><p aria-live="polite">{loading ? t("common.loading") : t("error.NOT_FOUND")}</p></main>;
  }
  const staff = !!user?.role?.key && user.role.key !== "customer";
  const creator = ticket.creator?.id === user?.id;
  const resolved = ticket.status === "RESOLVED" || ticket.status === "CLOSED";

  return (
    <main id="content" className="ticket">
      <p><Link to={staff ? "/queue" : "/tickets"}>{t("ticket.back")}</Link></p>
      <h1><span className="reference">{ticket.reference}</span> {ticket.title}</h1>
      <p className="facts">
        <span className={`status status-${ticket.status}`} data-status={ticket.status}>
          {t(`status.${ticket.status}` as MessageKey)}
        </span>{" "}
        {t(`priority.${ticket.priority}` as MessageKey)} · {t("tickets.assignee")}:{" "}
        {ticket.assignee?.name ?? t("tickets.unassigned")}
        {user?.role?.key === "company_admin" && <> (<Link to={`/admin/assignments?ticket=${ticket.id}`}>
          {t("assignments.why")}</Link>)</>}
        {" "}· {t("tickets.due")}: {dateTime(ticket.sla?.resolutionDueAt)}
      </p>
      {ticket.holdReason && <p>{t("ticket.onHoldBecause", { reason: ticket.holdReason })}</p>}
      <Moves id={ticket.id} allowed={ticket.allowedTransitions} />
      <section aria-labelledby="description">
        <h2 id="description">{t("ticket.description")}</h2>
        <p className="body">{ticket.description}</p>
        <dl>
          <dt>{t("ticket.creator")}</dt><dd>{ticket.creator?.name}</dd>
          {ticket.answers.map((a) => <div key={a.key}><dt>{a.label}</dt><dd>{a.value}</dd></div>)}
        </dl>
        {ticket.attachments.length > 0 && (
          <>
            <h3>{t("ticket.attachments")}</h3>
            <ul>{ticket.attachments.map((a) => <li key={a.id}><a href={a.url}>{a.name}</a></li>)}</ul>
          </>
        )}
      </section>
      {creator && resolved && <Rating id={ticket.id} rated={ticket.rating?.score ?? null} />}
      <Chat ticketId={ticket.id} />
      <section aria-labelledby="conversation">
        <h2 id="conversation">{t("ticket.conversation")}</h2>
        {ticket.comments.edges.length === 0 && <p>{t("ticket.noComments")}</p>}
        <ol className="comments">
          {ticket.comments.edges.map(({ node }) => (
            <li key={node.id} className={node.internal ? "comment internal" : "comment"} data-comment={node.id}>
              <p className="meta">
                <strong>{node.author?.name}</strong> · {dateTime(node.createdAt)}
                {node.internal && <span className="badge"> {t("ticket.internalNote")}</span>}
              </p>
              <p className="body">{node.body}</p>
            </li>
          ))}
        </ol>
        {ticket.status !== "CLOSED" && ticket.status !== "CANCELLED" &&
          <Reply ticketId={ticket.id} staff={staff} body={draft} setBody={setDraft} />}
      </section>
      {staff && <DeskTools ticketId={ticket.id} />}
      {staff && <InsightsPanel ticketId={ticket.id} onUseReply={(text) => {
        setDraft(text);
        document.querySelector<HTMLTextAreaElement>("textarea[name=body]")?.focus();
      }} />}
    </main>
  );
}
