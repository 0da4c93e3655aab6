// The refresh call, made with fetch rather than through Apollo: the links that add the token must not be on
// the way of the request that renews it. Production builds name it by its trusted document's hash, as the Apollo
// link does for every other operation, and send the text only if the gateway does not know the hash.
import { print } from "graphql";

import { RefreshTokenDocument } from "../gql/graphql";
import { RefreshRefused, type Tokens } from "../auth/session";
import { API_URL } from "./config";
import { documentHash } from "./persisted";

type Answer = { data?: { refreshToken?: Tokens } | null; errors?: { extensions?: { code?: string } }[] };
const UNKNOWN_HASH = new Set(["PERSISTED_QUERY_NOT_FOUND", "PERSISTED_QUERY_NOT_SUPPORTED"]);

async function post(body: Record<string, unknown>): Promise<Answer> {
  const response = await fetch(API_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  if (response.status >= 500) throw new Error(`the API answered ${response.status}`);
  return (await response.json()) as Answer;
}

export async function refreshTokens(refreshToken: string, byHash: boolean = import.meta.env.PROD): Promise<Tokens> {
  const request = { variables: { refreshToken }, operationName: "RefreshToken" };
  let body: Answer | null = null;
  if (byHash) {
    const sha256Hash = documentHash(RefreshTokenDocument);
    body = await post({ ...request, extensions: { persistedQuery: { version: 1, sha256Hash } } });
    if (body.errors?.some((e) => UNKNOWN_HASH.has(e.extensions?.code ?? ""))) body = null;
  }
  body ??= await post({ ...request, query: print(RefreshTokenDocument) });
  const tokens = body.data?.refreshToken;
  if (tokens) return tokens;
  throw new RefreshRefused("the refresh token was refused");
}
