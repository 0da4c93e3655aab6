import { beforeEach, describe, expect, it } from "vitest";

import { EARLY_MS, RefreshRefused, Session, type Clock, type Tokens } from "./session";

class FakeClock implements Clock {
  time = Date.parse("2026-12-04T10:00:00Z");
  timers: { at: number; callback: () => void; handle: number }[] = [];
  private next = 1;
  now() { return this.time; }
  setTimeout(callback: () => void, ms: number) {
    const handle = this.next++;
    this.timers.push({ at: this.time + ms, callback, handle });
    return handle;
  }
  clearTimeout(handle: unknown) { this.timers = this.timers.filter((t) => t.handle !== handle); }
  advance(ms: number) {
    this.time += ms;
    const due = this.timers.filter((t) => t.at <= this.time);
    this.timers = this.timers.filter((t) => t.at > this.time);
    due.forEach((t) => t.callback());
  }
}

const USER = { id: "u1", name: "Ana", email: "ana@example.test", language: "en", role: null, company: null };

function tokens(clock: FakeClock, n: number): Tokens {
  return { accessToken: `access-${n}`, accessTokenExpiresAt: new Date(clock.now() + 15 * 60_000).toISOString(),
           refreshToken: `refresh-${n}`, refreshTokenExpiresAt: new Date(clock.now() + 7 * 86_400_000).toISOString() };
}

describe("Session", () => {
  let clock: FakeClock;
  let calls: string[];
  let answer: (refreshToken: string) => Promise<Tokens>;

  beforeEach(() => {
    window.localStorage.clear();
    clock = new FakeClock();
    calls = [];
    answer = async () => tokens(clock, calls.length); // the n-th refresh gives the n-th tokens
  });

  function session(): Session {
    return new Session((refreshToken) => { calls.push(refreshToken); return answer(refreshToken); },
                       window.localStorage, clock);
  }

  it("keeps the access token in memory only and the rotating refresh token across a reload", async () => {
    const first = session();
    first.begin(tokens(clock, 0), USER);
    expect(await first.token()).toBe("access-0");
    expect(window.localStorage.getItem("aurontek.session")).not.toContain("access-0");
    const reloaded = session();
    expect(reloaded.user?.name).toBe("Ana");
    expect(await reloaded.token()).toBe("access-1"); // fetched with the stored refresh token
    expect(calls).toEqual(["refresh-0"]);
    expect(window.localStorage.getItem("aurontek.session")).toContain("refresh-1"); // rotated
  });

  it("renews once however many requests ask at the same time", async () => {
    const s = session();
    s.begin(tokens(clock, 0), USER);
    clock.time += 15 * 60_000; // expired
    const all = await Promise.all([s.token(), s.token(), s.token()]);
    expect(all).toEqual(["access-1", "access-1", "access-1"]);
    expect(calls).toEqual(["refresh-0"]);
  });

  it("renews on its own a minute before the access token expires", async () => {
    const s = session();
    s.begin(tokens(clock, 0), USER);
    clock.advance(15 * 60_000 - EARLY_MS - 1000);
    expect(calls).toEqual([]);
    clock.advance(1000);
    expect(calls).toEqual(["refresh-0"]);
    await Promise.resolve();
    await Promise.resolve();
    expect(await s.token()).toBe("access-1");
  });

  it("renews a short-lived token when three quarters of its life are gone, not every few seconds", () => {
    const s = session();
    const short = { ...tokens(clock, 0), accessTokenExpiresAt: new Date(clock.now() + 60_000).toISOString() };
    s.begin(short, USER);
    clock.advance(44_000);
    expect(calls).toEqual([]);
    clock.advance(1_000);
    expect(calls).toEqual(["refresh-0"]);
  });

  it("ends when the server refuses the refresh token, and stays when the server cannot be reached", async () => {
    const s = session();
    s.begin(tokens(clock, 0), USER);
    let ended = 0;
    s.subscribe(() => { if (!s.active) ended += 1; });
    answer = async () => { throw new TypeError("Failed to fetch"); };
    await expect(s.refresh()).rejects.toThrow("Failed to fetch");
    expect(s.active).toBe(true);
    answer = async () => { throw new RefreshRefused("refused"); };
    expect(await s.refresh()).toBeNull();
    expect(s.active).toBe(false);
    expect(ended).toBe(1);
    expect(window.localStorage.getItem("aurontek.session")).toBeNull();
  });
});
