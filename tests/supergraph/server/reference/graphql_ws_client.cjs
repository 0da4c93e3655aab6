// The graphql-ws reference client against the gateway: subscribes, prints each result as a JSON
// line, runs a query on the same connection after the first, then disposes. Input: JSON on stdin.
const path = require("path");
const modules = process.env.GRAPHQL_WS_MODULES;
const { createClient } = require(path.join(modules, "graphql-ws"));
const WebSocket = require(path.join(modules, "ws"));

const print = (value) => process.stdout.write(JSON.stringify(value) + "\n");

async function main(input) {
  const client = createClient({
    url: input.url,
    webSocketImpl: WebSocket,
    connectionParams: async () => ({ authorization: input.authorization }),
    retryAttempts: 0,
    lazy: true,
    on: { connected: () => print({ connected: true }), closed: (event) => print({ closed: event.code, reason: event.reason }) },
  });
  try {
    let received = 0;
    for await (const result of client.iterate({ query: input.subscription, variables: input.variables })) {
      print({ next: result });
      if (++received === 1) {
        for await (const answer of client.iterate({ query: input.query })) print({ query: answer });
      }
      if (received >= input.events) break;
    }
  } catch (error) {
    print({ error: error && error.code ? { code: error.code, reason: error.reason } : String(error) });
  } finally {
    await client.dispose();
  }
}

let text = "";
process.stdin.on("data", (chunk) => (text += chunk));
process.stdin.on("end", () => main(JSON.parse(text)).then(() => process.exit(0)));
