// The notification bell: the unread count, live through `notificationAdded`, and the latest notifications;
// opening one marks it read and goes to what it is about.
import { useMutation, useQuery, useSubscription } from "@apollo/client";
import { useState } from "react";
import { useNavigate } from "react-router-dom";

import {
  MarkAllNotificationsReadDocument, MarkNotificationReadDocument, NotificationAddedDocument, NotificationsDocument,
} from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import { ErrorMessage } from "./ErrorMessage";

const LATEST = 10;

export function Bell() {
  const { t, dateTime } = useI18n();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const { data, error, refetch } = useQuery(NotificationsDocument, { variables: { first: LATEST } });
  useSubscription(NotificationAddedDocument, { onData: () => void refetch() });
  const [markRead] = useMutation(MarkNotificationReadDocument);
  const [markAll, markAllState] = useMutation(MarkAllNotificationsReadDocument, {
    refetchQueries: [NotificationsDocument],
  });
  const unread = data?.unreadNotificationCount ?? 0;
  const items = data?.notifications.edges.map((e) => e.node) ?? [];

  async function openItem(id: string, read: boolean, target: { type: string; id: string } | null | undefined) {
    setOpen(false);
    if (!read) await markRead({ variables: { id }, refetchQueries: [NotificationsDocument] }).catch(() => undefined);
    if (target?.type === "TICKET") navigate(`/tickets/${target.id}`);
  }

  return (
    <div className="bell">
      <button type="button" aria-expanded={open} aria-controls="bell-panel" onClick={() => setOpen(!open)}
              aria-label={`${t("bell.label")}: ${t("bell.unread", { count: unread })}`}>
        {t("bell.label")} <span className="count" data-unread={unread}>{unread}</span>
      </button>
      {open && (
        <div id="bell-panel" className="panel" role="region" aria-label={t("bell.label")}>
          <ErrorMessage error={error ?? markAllState.error} />
          {items.length === 0 && <p>{t("bell.empty")}</p>}
          <ul>
            {items.map((n) => (
              <li key={n.id} className={n.read ? "read" : "unread"}>
                <button type="button" className="link" onClick={() => void openItem(n.id, n.read, n.target)}>
                  <strong>{n.title}</strong>
                  <span>{n.body}</span>
                  <small>{dateTime(n.createdAt)}</small>
                </button>
              </li>
            ))}
          </ul>
          <p className="actions">
            <button type="button" disabled={!unread} onClick={() => void markAll().catch(() => undefined)}>
              {t("bell.markAll")}
            </button>
            <button type="button" className="secondary" onClick={() => setOpen(false)}>{t("bell.close")}</button>
          </p>
        </div>
      )}
    </div>
  );
}
