// A query with @defer through Apollo Client's HttpLink (which asks for multipart/mixed;deferSpec=20220824 when a
// query defers). Reads {url, query, variables} as JSON on stdin; prints one JSON line per result Apollo Client
// hands the app ({"next": {data, errors}}), {"error": ...} on failure; the test ends it.
const input = JSON.parse(require("node:fs").readFileSync(0, "utf8"));
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const { ApolloClient, HttpLink, InMemoryCache, gql } = require("@apollo/client/core");

const client = new ApolloClient({
  link: new HttpLink({ uri: input.url }),
  cache: new InMemoryCache({ addTypename: false }),
});
client.watchQuery({ query: gql(input.query), variables: input.variables, fetchPolicy: "network-only",
                    errorPolicy: "all" }).subscribe({
  next: (result) => print({ next: { data: result.data, errors: result.errors?.map((e) => e.message) ?? null } }),
  error: (error) => print({ error: error?.message ?? String(error) }),
});
