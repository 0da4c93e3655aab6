// Apollo Client (the web app's own package, web/node_modules) with its persisted-queries link, naming the app's
// operations by the hashes of the codegen manifest, as web/src/api/persisted.ts does: runs the app's `Me` query,
// then a hand-written one, and prints one JSON line per outcome with the bodies it sent.
// argv: gateway URL, manifest path, access token.
const fs = require("node:fs");
const crypto = require("node:crypto");
const { ApolloClient, HttpLink, InMemoryCache, gql } = require("@apollo/client/core");
const { createPersistedQueryLink } = require("@apollo/client/link/persisted-queries");
const { getOperationName } = require("@apollo/client/utilities");
const { print } = require("graphql");

const [url, manifestPath, token] = process.argv.slice(2);
const manifest = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
const hashes = new Map(Object.entries(manifest).map(([hash, text]) => [getOperationName(gql(text)), hash]));

const sent = [];
const recordingFetch = (uri, options) => {
  sent.push(JSON.parse(options.body));
  return fetch(uri, options);
};
const persisted = createPersistedQueryLink({
  // an operation that is not the app's gets its text's hash, which no manifest holds
  generateHash: (document) => hashes.get(getOperationName(document))
    ?? crypto.createHash("sha256").update(print(document)).digest("hex"),
});
const client = new ApolloClient({
  link: persisted.concat(new HttpLink({ uri: url, fetch: recordingFetch, headers: { authorization: `Bearer ${token}` } })),
  cache: new InMemoryCache(),
});

async function run(label, text) {
  sent.length = 0;
  try {
    const result = await client.query({ query: gql(text), fetchPolicy: "network-only" });
    return { label, data: result.data, sent: [...sent] };
  } catch (error) {
    const errors = error.graphQLErrors?.length ? error.graphQLErrors
      : error.networkError?.result?.errors ?? [{ message: String(error) }];
    return { label, errors: errors.map((e) => ({ message: e.message, code: e.extensions?.code })), sent: [...sent] };
  }
}

(async () => {
  const me = Object.values(manifest).find((text) => getOperationName(gql(text)) === "Me");
  console.log(JSON.stringify(await run("app", me)));
  console.log(JSON.stringify(await run("hand-written", "query HandWritten { me { id email } }")));
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
