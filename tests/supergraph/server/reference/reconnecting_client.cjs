// The README's reconnect recipe, run by graphql-ws itself: every (re)connect asks for a fresh access token
// (here: prints {"wantToken": true} and reads the next line of stdin), a 4419 close is retried, a 4403 close
// ends everything. Prints each result and each close as a JSON line; exits after `events` results or an error.
const path = require("path");
const readline = require("readline");
const modules = process.env.GRAPHQL_WS_MODULES;
const { createClient } = require(path.join(modules, "graphql-ws"));
const WebSocket = require(path.join(modules, "ws"));

const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");
const lines = readline.createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const nextLine = async () => JSON.parse((await lines.next()).value);

async function freshAccessToken() {
  print({ wantToken: true });
  return (await nextLine()).token;
}

async function main() {
  const input = await nextLine();
  const client = createClient({
    url: input.url,
    webSocketImpl: WebSocket,
    connectionParams: async () => ({ authorization: `Bearer ${await freshAccessToken()}` }),
    shouldRetry: (e) => e?.code !== 4403 && e?.code !== 1008,
    retryAttempts: 5,
    retryWait: async () => new Promise((resolve) => setTimeout(resolve, 100)),
    lazy: true,
    on: { connected: () => print({ connected: true }), closed: (event) => print({ closed: event.code }) },
  });
  try {
    let received = 0;
    for await (const result of client.iterate({ query: input.subscription, variables: input.variables })) {
      print({ next: result });
      if (++received >= input.events) break;
    }
  } catch (error) {
    print({ error: error && error.code ? { code: error.code, reason: error.reason } : String(error) });
  } finally {
    await client.dispose();
  }
}

main().then(() => process.exit(0));
