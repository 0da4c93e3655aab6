import { describe, expect, it } from "vitest";

import { Connection } from "./connection";

describe("the live connection's state", () => {
  it("shows the banner only for a socket lost after it was up, and says when a reconnect happened", () => {
    const connection = new Connection();
    const seen: string[] = [];
    connection.subscribe(() => seen.push(connection.state));
    connection.closed(1006); // never up yet: still connecting, no banner
    expect(connection.state).toBe("connecting");
    expect(connection.connected()).toBe(false); // the first connection is no reconnect
    connection.closed(1006); // lost: the banner
    expect(connection.state).toBe("reconnecting");
    expect(connection.connected()).toBe(true); // back: the caller fetches what is on screen again
    connection.closed(1000); // closed by the app itself (nothing live on screen): no banner
    expect(connection.state).toBe("idle");
    expect(seen).toEqual(["online", "reconnecting", "online", "idle"]);
  });
});
