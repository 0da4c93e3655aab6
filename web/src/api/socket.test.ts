import { beforeEach, describe, expect, it } from "vitest";

import { Session, type Tokens } from "../auth/session";
import { socketClosed } from "./client";
import { Connection } from "./connection";

const USER = { id: "u1", name: "Ana", email: "ana@example.test", language: "en", role: null, company: null };
const tokens = (n: number): Tokens => ({
  accessToken: `access-${n}`, accessTokenExpiresAt: new Date(Date.now() + 15 * 60_000).toISOString(),
  refreshToken: `refresh-${n}`, refreshTokenExpiresAt: new Date(Date.now() + 86_400_000).toISOString() });

describe("a closed socket", () => {
  let refreshed: string[];
  let session: Session;
  let connection: Connection;

  beforeEach(() => {
    window.localStorage.clear();
    refreshed = [];
    session = new Session(async (token) => { refreshed.push(token); return tokens(refreshed.length); });
    session.begin(tokens(0), USER);
    connection = new Connection();
    connection.connected();
  });

  it("renews the token before the client reconnects when the gateway says it ran out (4419) or refused it (4401)", async () => {
    socketClosed(4419, session, connection);
    expect(connection.state).toBe("reconnecting");
    expect(await session.token()).toBe("access-1"); // the reconnect's connection_init carries the new one
    socketClosed(4401, session, connection);
    await session.token();
    expect(refreshed).toEqual(["refresh-0", "refresh-1"]);
  });

  it("ends the session when the gateway says it ended (4403), without a reconnect banner", () => {
    socketClosed(4403, session, connection);
    expect(session.active).toBe(false);
    expect(connection.state).toBe("online"); // nothing to reconnect to: the app goes to sign-in
    expect(refreshed).toEqual([]);
  });

  it("shows the banner for a lost socket and not for the app's own close", () => {
    socketClosed(1006, session, connection);
    expect(connection.state).toBe("reconnecting");
    connection.connected();
    socketClosed(1000, session, connection);
    expect(connection.state).toBe("idle");
    expect(refreshed).toEqual([]);
  });
});
