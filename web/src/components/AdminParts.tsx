// What the administration screens share: an input that shows the API's refusal beside it, the cursor pager, and
// asking again when tickets change.
import { useSubscription } from "@apollo/client";
import { useRef } from "react";

import { TicketQueueChangesDocument } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";

export type Said = { key: MessageKey; values: Record<string, string | number> };

/** A required input with its label; `said`, the API's refusal of this field, shown beside it. */
export function CheckedInput({ id, name, label, type = "text", value, onChange, said }: {
  id: string; name: string; label: MessageKey; type?: string; value: string; onChange: (value: string) => void;
  said?: Said;
}) {
  const { t } = useI18n();
  return (
    <label>{t(label)}
      <input name={name} type={type} required value={value} aria-invalid={!!said}
             aria-describedby={said ? `${id}-error` : undefined} onChange={(e) => onChange(e.target.value)} />
      {said && <small id={`${id}-error`} className="field-error">{t(said.key, said.values)}</small>}
    </label>
  );
}

/** Previous and next page over a connection: `cursors` holds the `after` of every page seen, the current last. */
export function Pager({ cursors, onChange, hasNextPage, endCursor }: {
  cursors: (string | null)[]; onChange: (cursors: (string | null)[]) => void; hasNextPage: boolean;
  endCursor: string | null | undefined;
}) {
  const { t } = useI18n();
  return (
    <nav aria-label={t("people.pages")} className="pager">
      <button type="button" disabled={cursors.length < 2} onClick={() => onChange(cursors.slice(0, -1))}>
        {t("people.previous")}</button>
      <button type="button" disabled={!hasNextPage} onClick={() => onChange([...cursors, endCursor ?? null])}>
        {t("people.next")}</button>
    </nav>
  );
}

const REFRESH_MS = 2000; // at most one refresh this often, however many tickets change

/** Call `refetch` when the company's tickets change (the live `ticketsChanged`), at most once every 2 s. */
export function useRefetchOnTicketChanges(refetch: () => unknown) {
  const last = useRef(0);
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useSubscription(TicketQueueChangesDocument, {
    onData: () => {
      if (pending.current) return;
      const wait = Math.max(0, last.current + REFRESH_MS - Date.now());
      pending.current = setTimeout(() => {
        pending.current = null;
        last.current = Date.now();
        void refetch();
      }, wait);
    },
  });
}
