// A subscription over HTTP with a real client: graphql-sse's (distinct connections mode) or Apollo Client's
// HttpLink (its multipart subscription protocol). Reads {client, url, authorization, subscription, variables,
// events} as JSON on stdin; prints one JSON line per result ({"next": ...}), {"error": ...} on failure, and
// {"done": true} after `events` results (it then unsubscribes, which ends the request).
const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

function viaSse(done) {
  const { createClient } = require("graphql-sse");
  const client = createClient({ url: input.url, headers: { authorization: input.authorization }, retryAttempts: 0 });
  let seen = 0;
  const stop = client.subscribe({ query: input.subscription, variables: input.variables }, {
    next: (result) => {
      print({ next: result });
      if (++seen === input.events) { stop(); done(); }
    },
    error: (error) => { print({ error: describe(error) }); done(); },
    complete: () => { print({ complete: true }); done(); },
  });
}

function viaApollo(done) {
  const { ApolloClient, HttpLink, InMemoryCache, gql } = require("@apollo/client/core");
  const client = new ApolloClient({
    link: new HttpLink({ uri: input.url, headers: { authorization: input.authorization } }),
    cache: new InMemoryCache({ addTypename: false }),
  });
  let seen = 0;
  const subscription = client.subscribe({ query: gql(input.subscription), variables: input.variables }).subscribe({
    next: (result) => {
      print({ next: { data: result.data } });
      if (++seen === input.events) { subscription.unsubscribe(); done(); }
    },
    error: (error) => { print({ error: describe(error) }); done(); },
    complete: () => { print({ complete: true }); done(); },
  });
}

function describe(error) {
  if (Array.isArray(error)) return error.map((e) => e.message ?? String(e)).join("; ");
  const body = error?.networkError?.result ?? error?.result;
  return body?.errors?.map((e) => e.extensions?.code ?? e.message).join("; ") ?? error?.message ?? String(error);
}

const finish = () => { print({ done: true }); setTimeout(() => process.exit(0), 50); };
(input.client === "sse" ? viaSse : viaApollo)(finish);
