// A mutation with a file through Apollo Client and apollo-upload-client's link (the GraphQL multipart request
// spec), as a React app sends an attachment. Reads {url, authorization, mutation, variables, file: {path, name,
// type}, at} on stdin: the file is read from `path` and put in the variables at `at` (a dotted path); prints the
// result as one JSON line ({"data": ...} or {"error": ...}).
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

// the packages are installed under NODE_PATH (outside the repository), which ES modules do not search by themselves
const modules = process.env.NODE_PATH;
const { default: createUploadLink } = await import(
  pathToFileURL(`${modules}/apollo-upload-client/createUploadLink.mjs`).href);
const require = createRequire(`${modules}/`);
const { ApolloClient, InMemoryCache, gql } = require("@apollo/client/core");
const input = JSON.parse(readFileSync(0, "utf8"));
const print = (line) => process.stdout.write(JSON.stringify(line) + "\n");

const file = new File([readFileSync(input.file.path)], input.file.name, { type: input.file.type });
const keys = input.at.split(".");
let target = input.variables;
for (const key of keys.slice(0, -1)) target = target[key];
target[keys.at(-1)] = file;

const client = new ApolloClient({
  link: createUploadLink({ uri: input.url, headers: { authorization: input.authorization,
                                                      "apollo-require-preflight": "true" } }),
  cache: new InMemoryCache({ addTypename: false }),
});
try {
  const result = await client.mutate({ mutation: gql(input.mutation), variables: input.variables });
  print({ data: result.data });
} catch (error) {
  print({ error: error?.networkError?.result ?? error?.message ?? String(error) });
}
