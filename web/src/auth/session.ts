// Who is signed in on this tab. The access token lives in memory only; the rotating refresh token is kept in
// the browser's storage so a reload does not sign the person out (each refresh replaces it, and a reused one
// closes the whole session on the server). The access token is renewed before it expires, once at a time
// however many requests ask for it.

export interface SessionUser {
  id: string;
  name: string;
  email: string;
  language: string;
  role: { key: string; name: string } | null;
  company: { id: string; name: string } | null;
}

export interface Tokens {
  accessToken: string;
  accessTokenExpiresAt: string;
  refreshToken: string;
  refreshTokenExpiresAt: string;
}

export type Refresher = (refreshToken: string) => Promise<Tokens>;

export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const browserClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => window.setTimeout(callback, ms),
  clearTimeout: (handle) => window.clearTimeout(handle as number),
};

const STORED = "aurontek.session";
export const EARLY_MS = 60_000; // renew this long before the access token expires
const SOONEST_MS = 5_000;

interface Stored {
  refreshToken: string;
  refreshTokenExpiresAt: string;
  user: SessionUser;
}

export class Session {
  private access: string | null = null;
  private accessExpiresAt = 0;
  private stored: Stored | null;
  private inFlight: Promise<string | null> | null = null;
  private timer: unknown = null;
  private listeners = new Set<() => void>();

  constructor(private readonly refresher: Refresher, private readonly storage: Storage = window.localStorage,
              private readonly clock: Clock = browserClock) {
    this.stored = readStored(storage);
  }

  get user(): SessionUser | null {
    return this.stored?.user ?? null;
  }

  /** Someone is signed in (an access token may still have to be fetched with the refresh token). */
  get active(): boolean {
    return this.stored !== null;
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  begin(tokens: Tokens, user: SessionUser): void {
    this.stored = { refreshToken: tokens.refreshToken, refreshTokenExpiresAt: tokens.refreshTokenExpiresAt, user };
    this.accept(tokens);
  }

  updateUser(changes: Partial<SessionUser>): void {
    if (!this.stored) return;
    this.stored = { ...this.stored, user: { ...this.stored.user, ...changes } };
    this.save();
    this.notify();
  }

  /** An access token good for at least a little while, renewed first when it is not; null: signed out. */
  async token(): Promise<string | null> {
    if (!this.stored) return null;
    if (this.inFlight) return this.inFlight; // a renewal is under way (the server refused this one): wait for it
    if (this.access && this.clock.now() < this.accessExpiresAt - SOONEST_MS) return this.access;
    return this.refresh();
  }

  /** Renew the access token now (once, whoever else asks meanwhile); a refused refresh ends the session. */
  refresh(): Promise<string | null> {
    if (!this.stored) return Promise.resolve(null);
    if (!this.inFlight) {
      const refreshToken = this.stored.refreshToken;
      this.inFlight = this.refresher(refreshToken)
        .then((tokens) => {
          if (this.stored?.refreshToken !== refreshToken) return this.access; // signed out or in meanwhile
          this.stored = { ...this.stored, refreshToken: tokens.refreshToken,
                          refreshTokenExpiresAt: tokens.refreshTokenExpiresAt };
          this.accept(tokens);
          return tokens.accessToken;
        })
        .catch((error: unknown) => {
          if (isRefused(error)) this.end();
          else throw error; // the server could not be reached: keep the session and try again later
          return null;
        })
        .finally(() => {
          this.inFlight = null;
        });
    }
    return this.inFlight;
  }

  end(): void {
    this.stored = null;
    this.access = null;
    this.accessExpiresAt = 0;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    this.storage.removeItem(STORED);
    this.notify();
  }

  private accept(tokens: Tokens): void {
    this.access = tokens.accessToken;
    this.accessExpiresAt = Date.parse(tokens.accessTokenExpiresAt);
    this.save();
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    // A minute early, or a quarter of the token's life for a short-lived one (renewing every few seconds helps no one).
    const life = this.accessExpiresAt - this.clock.now();
    const wait = Math.max(SOONEST_MS, life - Math.min(EARLY_MS, life / 4));
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.refresh().catch(() => undefined); // unreachable now: the next request tries again
    }, wait);
    this.notify();
  }

  private save(): void {
    if (this.stored) this.storage.setItem(STORED, JSON.stringify(this.stored));
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The server answered and said no (an expired, reused or revoked refresh token), as opposed to no answer. */
export class RefreshRefused extends Error {}

function isRefused(error: unknown): boolean {
  return error instanceof RefreshRefused;
}

function readStored(storage: Storage): Stored | null {
  try {
    const raw = storage.getItem(STORED);
    if (!raw) return null;
    const value = JSON.parse(raw) as Stored;
    if (!value.refreshToken || Date.parse(value.refreshTokenExpiresAt) <= Date.now()) return null;
    return value;
  } catch {
    return null;
  }
}
