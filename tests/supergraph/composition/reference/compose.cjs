// Compose subgraphs with a reference composer from npm, for the cross-check test.
// stdin: {"composer": "apollo" | "guild", "subgraphs": [{"name", "url", "sdl"}]}
// stdout: {"supergraphSdl": string | null, "errors": [{"code", "message"}]}
// NODE_PATH-like lookup: COMPOSER_MODULES names the node_modules folder to load from.
"use strict";

const modules = process.env.COMPOSER_MODULES;
const load = (name) => require(require.resolve(name, { paths: [modules] }));
const PACKAGES = {
  apollo: "@apollo/composition",
  guild: "@theguild/federation-composition",
};

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { composer, subgraphs } = JSON.parse(input);
  const { parse } = load("graphql");
  const services = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  const result = load(PACKAGES[composer]).composeServices(services);
  const errors = (result.errors || []).map((e) => ({
    code: (e.extensions && e.extensions.code) || null,
    message: e.message,
  }));
  process.stdout.write(JSON.stringify({ supergraphSdl: result.supergraphSdl || null, errors }));
});
