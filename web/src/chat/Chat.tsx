// The live chat of a ticket: history page by page (older on demand), new messages as they come, sending text
// and files, editing and deleting one's own within the window, who is typing, who has read what.
import { useApolloClient, useMutation, useQuery, useSubscription } from "@apollo/client";
import { useEffect, useMemo, useRef, useState, type FormEvent } from "react";

import { useUser } from "../auth/context";
import { ErrorMessage } from "../components/ErrorMessage";
import {
  ChatMessageAddedDocument, ChatReadReceiptDocument, ChatTypingDocument, DeleteChatMessageDocument,
  EditChatMessageDocument, MarkChatReadDocument, SendChatFileDocument, SendChatMessageDocument, SetChatTypingDocument,
  TicketChatDocument, type ChatMessageFragment,
} from "../gql/graphql";
import { useI18n } from "../i18n/i18n";
import type { MessageKey } from "../i18n/messages";
import { mergeMessages } from "./merge";

const PAGE = 30;
const EDIT_WINDOW_MS = 15 * 60_000; // the service's default; a later edit is refused with a message
const TYPING_EVERY_MS = 3_000; // while keys are pressed, "typing" is said at most this often
const TYPING_SHOWN_MS = 6_000; // someone's "typing" fades when nothing confirms it
const READ_KEY = (ticketId: string) => `chat-read:${ticketId}`;

type Receipt = { lastReadMessageId?: string | null; user: { id: string; name: string } };

function Bubble({ message, mine, onEdit, onDelete }: {
  message: ChatMessageFragment; mine: boolean; onEdit(text: string): Promise<unknown>; onDelete(): Promise<unknown>;
}) {
  const { t, dateTime } = useI18n();
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(message.text ?? "");
  const editable = mine && !message.deleted && message.kind === "TEXT" &&
    Date.now() - Date.parse(message.createdAt) < EDIT_WINDOW_MS;
  if (message.kind === "SYSTEM") {
    const event = message.system;
    const worded = event ? t(`system.${event.action}` as MessageKey, {
      from: event.fromStatus ? t(`status.${event.fromStatus}` as MessageKey) : "—",
      to: event.toStatus ? t(`status.${event.toStatus}` as MessageKey) : "—",
      name: event.assignee?.name ?? "—",
    }) : message.text;
    return <li className="system" data-message={message.id}>{worded}</li>;
  }
  return (
    <li className={mine ? "mine" : "theirs"} data-message={message.id}>
      <p className="meta"><strong>{message.author?.name}</strong> · {dateTime(message.createdAt)}
        {message.editedAt && !message.deleted && <em> ({t("chat.edited")})</em>}</p>
      {message.deleted ? <p className="deleted">{t("chat.deleted")}</p> : editing ? (
        <form onSubmit={(e) => { e.preventDefault(); void onEdit(text).then(() => setEditing(false), () => undefined); }}>
          <input name="editText" aria-label={t("chat.edit")} value={text} onChange={(e) => setText(e.target.value)} />
          <button type="submit">{t("chat.save")}</button>
          <button type="button" className="secondary" onClick={() => setEditing(false)}>{t("chat.cancel")}</button>
        </form>
      ) : (
        <>
          {message.text && <p className="text">{message.text}</p>}
          {message.file && (message.kind === "IMAGE"
            ? <a href={message.file.url}><img src={message.file.url} alt={message.file.name} /></a>
            : <a href={message.file.url}>{message.file.name}</a>)}
        </>
      )}
      {editable && !editing && (
        <p className="actions">
          <button type="button" className="link" onClick={() => setEditing(true)}>{t("chat.edit")}</button>
          <button type="button" className="link" onClick={() => void onDelete().catch(() => undefined)}>
            {t("chat.delete")}
          </button>
        </p>
      )}
    </li>
  );
}

export function Chat({ ticketId }: { ticketId: string }) {
  const { t } = useI18n();
  const me = useUser();
  const client = useApolloClient();
  const { data, error, loading, refetch } = useQuery(TicketChatDocument, {
    variables: { ticketId, first: PAGE },
  });
  const [live, setLive] = useState<ChatMessageFragment[]>([]);
  const [older, setOlder] = useState<ChatMessageFragment[]>([]);
  const [typing, setTyping] = useState<Record<string, { name: string; until: number }>>({});
  const [receipts, setReceipts] = useState<Record<string, Receipt>>({});
  const [text, setText] = useState("");
  const lastTyping = useRef(0);
  const [send, sending] = useMutation(SendChatMessageDocument);
  const [sendFile, sendingFile] = useMutation(SendChatFileDocument);
  const [edit, editing] = useMutation(EditChatMessageDocument);
  const [remove, removing] = useMutation(DeleteChatMessageDocument);
  const [markRead] = useMutation(MarkChatReadDocument);
  const [sayTyping] = useMutation(SetChatTypingDocument);

  const add = (message: ChatMessageFragment) => setLive((all) => [...all, message]);
  useSubscription(ChatMessageAddedDocument, {
    variables: { ticketId },
    onData: ({ data: event }) => { if (event.data?.messageAdded) add(event.data.messageAdded); },
  });
  useSubscription(ChatTypingDocument, {
    variables: { ticketId },
    onData: ({ data: event }) => {
      const signal = event.data?.typing;
      if (!signal || signal.user.id === me?.id) return;
      setTyping((all) => ({ ...all, [signal.user.id]: { name: signal.user.name,
                                                         until: signal.typing ? Date.now() + TYPING_SHOWN_MS : 0 } }));
    },
  });
  useSubscription(ChatReadReceiptDocument, {
    variables: { ticketId },
    onData: ({ data: event }) => {
      const receipt = event.data?.readReceipt;
      if (receipt) setReceipts((all) => ({ ...all, [receipt.user.id]: receipt }));
    },
  });
  // "typing" fades on its own
  const [, tick] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => tick((n) => n + 1), 1000);
    return () => window.clearInterval(timer);
  }, []);

  const ticket = data?.ticket;
  const history = useMemo(() => [...(ticket?.messages?.edges.map((e) => e.node) ?? []), ...older],
                          [ticket, older]);
  const messages = useMemo(() => mergeMessages(history, live), [history, live]);
  const newest = messages[messages.length - 1];

  // What is on screen is read: tell the others (once per newest message of someone else).
  useEffect(() => {
    if (!newest || newest.author?.id === me?.id || document.visibilityState !== "visible") return;
    if (sessionStorage.getItem(READ_KEY(ticketId)) === newest.id) return;
    sessionStorage.setItem(READ_KEY(ticketId), newest.id);
    void markRead({ variables: { ticketId, upToMessageId: newest.id } }).catch(() => undefined);
  }, [newest, me, ticketId, markRead]);

  const allReceipts = useMemo(() => {
    const merged: Record<string, Receipt> = {};
    for (const r of ticket?.chatReceipts ?? []) merged[r.user.id] = r;
    return { ...merged, ...receipts };
  }, [ticket, receipts]);
  const mineLast = [...messages].reverse().find((m) => m.author?.id === me?.id);
  const seenBy = mineLast ? Object.values(allReceipts).filter((r) => r.user.id !== me?.id &&
    r.lastReadMessageId && messages.findIndex((m) => m.id === r.lastReadMessageId) >=
    messages.findIndex((m) => m.id === mineLast.id)).map((r) => r.user.name) : [];
  const typingNow = Object.values(typing).filter((x) => x.until > Date.now()).map((x) => x.name);

  function onType(value: string) {
    setText(value);
    if (Date.now() - lastTyping.current > TYPING_EVERY_MS && value.trim()) {
      lastTyping.current = Date.now();
      void sayTyping({ variables: { ticketId, typing: true } }).catch(() => undefined);
    }
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const body = text.trim();
    if (!body) return;
    const result = await send({ variables: { ticketId, text: body } }).catch(() => null);
    if (result?.data?.sendChatMessage) {
      add(result.data.sendChatMessage);
      setText("");
      lastTyping.current = 0;
      void sayTyping({ variables: { ticketId, typing: false } }).catch(() => undefined);
    }
  }

  async function attach(files: FileList | null) {
    const file = files?.[0];
    if (!file) return;
    const result = await sendFile({ variables: { ticketId, input: { name: file.name, file } } }) // as a file
      .catch(() => null);
    if (result?.data?.sendChatFile) add(result.data.sendChatFile);
  }

  async function loadOlder() {
    // Fetched apart from the cache: the first page stays what the query keeps fresh.
    const cursor = older.length ? olderCursor.current : ticket?.messages?.pageInfo.endCursor;
    const page = await client.query({ query: TicketChatDocument, variables: { ticketId, first: PAGE, after: cursor },
                                      fetchPolicy: "no-cache" });
    const nodes = page.data.ticket?.messages?.edges.map((e) => e.node) ?? [];
    olderCursor.current = page.data.ticket?.messages?.pageInfo.endCursor ?? null;
    olderHasMore.current = page.data.ticket?.messages?.pageInfo.hasNextPage ?? false;
    setOlder((all) => [...all, ...nodes]);
  }
  const olderCursor = useRef<string | null>(null);
  const olderHasMore = useRef(true);
  const hasOlder = older.length ? olderHasMore.current : !!ticket?.messages?.pageInfo.hasNextPage;

  if (error) return <section className="chat"><ErrorMessage error={error} /></section>;
  if (!ticket || !ticket.messages) return null; // not one the caller may read

  return (
    <section className="chat" aria-labelledby="chat-title">
      <h2 id="chat-title">{t("chat.title")}{" "}
        {ticket.unreadCount ? <span className="count">{t("chat.unread", { count: ticket.unreadCount })}</span> : null}
      </h2>
      {hasOlder && <button type="button" className="secondary" disabled={loading} onClick={() => void loadOlder()}>
        {t("chat.older")}</button>}
      {messages.length === 0 && <p>{t("chat.empty")}</p>}
      <ol className="messages" aria-live="polite">
        {messages.map((m) => (
          <Bubble key={m.id} message={m} mine={m.author?.id === me?.id}
                  onEdit={(value) => edit({ variables: { id: m.id, text: value } }).then(() => refetch())}
                  onDelete={() => remove({ variables: { id: m.id } })} />
        ))}
      </ol>
      {seenBy.length > 0 && <p className="seen" data-seen={seenBy.join(",")}>{t("chat.seen", { names: seenBy.join(", ") })}</p>}
      <p className="typing" aria-live="polite">{typingNow.map((name) => t("chat.typing", { name })).join(" ")}</p>
      <ErrorMessage error={sending.error ?? sendingFile.error ?? editing.error ?? removing.error} />
      {ticket.canChat ? (
        <form className="send" onSubmit={submit}>
          <input name="chatText" aria-label={t("chat.message")} value={text} autoComplete="off"
                 onChange={(e) => onType(e.target.value)} />
          <button type="submit" disabled={sending.loading || !text.trim()}>{t("chat.send")}</button>
          <label className="file">{t("chat.file")}
            <input name="chatFile" type="file" onChange={(e) => void attach(e.target.files)} />
          </label>
        </form>
      ) : <p>{t("chat.closed")}</p>}
    </section>
  );
}
