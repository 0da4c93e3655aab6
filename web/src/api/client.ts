// Apollo Client on the gateway: queries and mutations over HTTP (files as files), subscriptions over
// graphql-transport-ws.
// Every request carries a fresh access token; a request refused for an expired or stale token is sent once more
// after a refresh; the socket renews its token before reconnecting (the gateway closes it with 4419 when the
// token runs out, 4401 when it is not accepted), and after a reconnect the queries on screen are fetched again.
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, Observable, split } from "@apollo/client";
import { setContext } from "@apollo/client/link/context";
import { onError } from "@apollo/client/link/error";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { getMainDefinition, relayStylePagination } from "@apollo/client/utilities";
import createUploadLink from "apollo-upload-client/createUploadLink.mjs";
import { createClient, type Client } from "graphql-ws";

import type { Session } from "../auth/session";
import { API_URL, websocketUrl } from "./config";
import type { Connection } from "./connection";
import { persistedLink } from "./persisted";

const RENEW_CLOSES = new Set([4401, 4419]); // the token: refresh it, then reconnect
const SIGNED_OUT_CLOSE = 4403; // the session ended: sign in again

const PING_EVERY_MS = 10_000; // a socket that stopped answering (a laptop waking, a network that changed) ...
const PONG_WITHIN_MS = 5_000; // ... is closed and opened again rather than left silent

/** What a closed socket means for the person: the session ended (4403: sign in again), the token must be renewed
before the client reconnects (4401, 4419), and whether the banner shows (a loss, not the app's own 1000). */
export function socketClosed(code: number | undefined, session: Session, connection: Connection): void {
  if (code === SIGNED_OUT_CLOSE) session.end();
  else if (code !== undefined && RENEW_CLOSES.has(code)) void session.refresh().catch(() => undefined);
  if (session.active) connection.closed(code);
}

export function createSocket(session: Session, connection: Connection, onReconnect: () => void): Client {
  let socket: WebSocket | null = null;
  let pongDue: number | undefined;
  return createClient({
    url: websocketUrl(),
    lazy: true,
    keepAlive: PING_EVERY_MS,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => session.active,
    connectionParams: async () => {
      const token = await session.token();
      return token ? { Authorization: `Bearer ${token}` } : {};
    },
    on: {
      opened: (opened) => {
        socket = opened as WebSocket;
      },
      ping: (received) => {
        if (received) return;
        pongDue = window.setTimeout(() => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(4408, "no pong");
        }, PONG_WITHIN_MS);
      },
      pong: (received) => {
        if (received) window.clearTimeout(pongDue);
      },
      connected: () => {
        if (connection.connected()) onReconnect();
      },
      closed: (event) => {
        window.clearTimeout(pongDue);
        socketClosed((event as CloseEvent | undefined)?.code, session, connection);
      },
    },
  });
}

/** A file anywhere in an operation's variables. */
export function holdsFile(value: unknown): boolean {
  if (value instanceof Blob) return true;
  if (Array.isArray(value)) return value.some(holdsFile);
  return !!value && typeof value === "object" && Object.values(value).some(holdsFile);
}

function isRenewable(errors: readonly { extensions?: Record<string, unknown> }[] | undefined): boolean {
  return !!errors?.some((e) => e.extensions?.code === "UNAUTHENTICATED" &&
    (e.extensions?.reason === "TOKEN_EXPIRED" || e.extensions?.reason === "TOKEN_STALE"));
}

export function createApollo(session: Session, connection: Connection): { client: ApolloClient<object>; socket: Client } {
  const auth = setContext(async (_, { headers }) => {
    const token = await session.token();
    return { headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) } };
  });
  const renew = onError(({ graphQLErrors, operation, forward }) => {
    if (!isRenewable(graphQLErrors) || operation.getContext().renewed) return;
    return new Observable((observer) => {
      session.refresh().then((token) => {
        if (!token) {
          observer.error(new Error("signed out"));
          return;
        }
        operation.setContext(({ headers }: { headers?: Record<string, string> }) => ({
          renewed: true, headers: { ...headers, authorization: `Bearer ${token}` } }));
        forward(operation).subscribe(observer);
      }, (error: unknown) => observer.error(error));
    });
  });
  // a mutation with files (attachments, a chat file, a photo) sends them as files: a multipart request (the CSRF
  // preflight header with it, as the gateway asks of any form); everything else is JSON, with @defer's parts
  const http = split(({ variables }) => holdsFile(variables),
    createUploadLink({ uri: API_URL, headers: { "apollo-require-preflight": "true" } }),
    new HttpLink({ uri: API_URL }));
  let client: ApolloClient<object> | null = null;
  const socket = createSocket(session, connection, () => {
    void client?.refetchQueries({ include: "active" });
  });
  const transports = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === "OperationDefinition" && definition.operation === "subscription";
    },
    new GraphQLWsLink(socket),
    ApolloLink.from([renew, auth, http]),
  );
  // production builds send trusted documents' hashes, over HTTP and the socket alike (./persisted.ts)
  const link = import.meta.env.PROD ? ApolloLink.from([persistedLink(), transports]) : transports;
  client = new ApolloClient({
    link,
    cache: new InMemoryCache({
      typePolicies: {
        Query: { fields: { tickets: relayStylePagination(["view", "filter", "sort", "companyId", "allCompanies"]) } },
      },
    }),
    defaultOptions: { watchQuery: { fetchPolicy: "cache-and-network", errorPolicy: "none" } },
  });
  return { client, socket };
}
