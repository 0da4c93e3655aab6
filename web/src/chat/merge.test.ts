import { describe, expect, it } from "vitest";

import { mergeMessages } from "./merge";

const at = (s: number) => new Date(Date.UTC(2026, 11, 4, 10, 0, s)).toISOString();
const m = (id: string, s: number, extra: Partial<{ text: string; editedAt: string; deleted: boolean }> = {}) =>
  ({ id, createdAt: at(s), editedAt: null as string | null, deleted: false, text: id, ...extra });

describe("the chat list", () => {
  it("puts history (newest first) and live messages in one list, oldest first, each once", () => {
    const history = [m("c", 3), m("b", 2), m("a", 1)];
    const live = [m("c", 3), m("d", 4), m("e", 4)];
    expect(mergeMessages(history, live).map((x) => x.id)).toEqual(["a", "b", "c", "d", "e"]);
  });

  it("keeps a message's latest version whichever side brought it", () => {
    const edited = m("b", 2, { text: "fixed", editedAt: at(30) });
    const deleted = m("c", 3, { deleted: true, text: undefined as unknown as string });
    const merged = mergeMessages([edited, m("c", 3)], [m("b", 2), deleted]);
    expect(merged.map((x) => [x.id, x.text, x.deleted])).toEqual([["b", "fixed", false], ["c", undefined, true]]);
  });

  it("orders a message that arrives late among the ones of its time", () => {
    expect(mergeMessages([m("b", 5), m("a", 1)], [m("late", 3)]).map((x) => x.id)).toEqual(["a", "late", "b"]);
  });
});
