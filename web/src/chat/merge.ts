// The chat as a person reads it: the pages of history the API gave (newest first) and the messages that came
// live or were just sent, as one list, oldest first, each message once, in its latest version (an edit or a
// deletion replaces what was there).

export interface ChatMessageLike {
  id: string;
  createdAt: string;
  editedAt?: string | null;
  deleted: boolean;
}

/** Whether `candidate` is at least as recent a version of a message as `known`: a deletion is final, then the
later edit wins (an equal one: the one seen last). */
function newer(candidate: ChatMessageLike, known: ChatMessageLike): boolean {
  if (candidate.deleted !== known.deleted) return candidate.deleted;
  const edited = (m: ChatMessageLike) => (m.editedAt ? Date.parse(m.editedAt) : 0);
  return edited(candidate) >= edited(known);
}

export function mergeMessages<T extends ChatMessageLike>(history: readonly T[], live: readonly T[]): T[] {
  const byId = new Map<string, T>();
  for (const message of [...history, ...live]) {
    const known = byId.get(message.id);
    if (!known || newer(message, known)) byId.set(message.id, message);
  }
  // Stored order: by time, then by id (ids of one instant are ordered as the server stored them).
  return [...byId.values()].sort((a, b) =>
    a.createdAt === b.createdAt ? (a.id < b.id ? -1 : a.id > b.id ? 1 : 0) : Date.parse(a.createdAt) - Date.parse(b.createdAt));
}
