import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";

import type { Connection, ConnectionState } from "../api/connection";
import type { Session, SessionUser } from "./session";

interface Services {
  session: Session;
  connection: Connection;
}

const Context = createContext<Services | null>(null);

export function ServicesProvider({ session, connection, children }: Services & { children: ReactNode }) {
  return <Context.Provider value={{ session, connection }}>{children}</Context.Provider>;
}

function useServices(): Services {
  const value = useContext(Context);
  if (!value) throw new Error("useServices outside ServicesProvider");
  return value;
}

export function useSession(): Session {
  return useServices().session;
}

/** The signed-in person, re-rendering when they sign in or out; null when nobody is. */
export function useUser(): SessionUser | null {
  const session = useSession();
  return useSyncExternalStore((listener) => session.subscribe(listener), () => session.user);
}

export function useConnectionState(): ConnectionState {
  const { connection } = useServices();
  return useSyncExternalStore((listener) => connection.subscribe(listener), () => connection.state);
}
