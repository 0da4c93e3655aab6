// The live connection's state, for the banner: "online" once the socket is acknowledged, "reconnecting" while a
// socket that was up is being opened again after it was lost, "idle" when the app closed it itself (no
// subscription on screen needs it: graphql-ws closes a lazy socket with 1000).
export type ConnectionState = "connecting" | "online" | "reconnecting" | "idle";

export const NORMAL_CLOSURE = 1000;

export class Connection {
  state: ConnectionState = "connecting";
  private listeners = new Set<() => void>();
  private everOnline = false;

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The socket is up; true when it was up before (a reconnect: what is on screen may have missed events). */
  connected(): boolean {
    const again = this.everOnline;
    this.everOnline = true;
    this.set("online");
    return again;
  }

  /** The socket closed: by the app itself (1000), or lost (anything else) while it had been up. */
  closed(code: number | undefined): void {
    if (code === NORMAL_CLOSURE) this.set("idle");
    else if (this.everOnline) this.set("reconnecting");
  }

  private set(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener();
  }
}
