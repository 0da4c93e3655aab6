// The refresh call, made with fetch rather than through Apollo: the links that add the token must not be on
// the way of the request that renews it.
import { print } from "graphql";

import { RefreshTokenDocument } from "../gql/graphql";
import { RefreshRefused, type Tokens } from "../auth/session";
import { API_URL } from "./config";

export async function refreshTokens(refreshToken: string): Promise<Tokens> {
  const response = await fetch(API_URL, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query: print(RefreshTokenDocument), variables: { refreshToken },
                           operationName: "RefreshToken" }),
  });
  if (response.status >= 500) throw new Error(`the API answered ${response.status}`);
  const body = (await response.json()) as { data?: { refreshToken?: Tokens } | null; errors?: unknown[] };
  const tokens = body.data?.refreshToken;
  if (tokens) return tokens;
  throw new RefreshRefused("the refresh token was refused");
}
