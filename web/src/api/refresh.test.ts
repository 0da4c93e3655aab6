import { afterEach, describe, expect, it, vi } from "vitest";

import { refreshTokens } from "./refresh";

const TOKENS = { accessToken: "a", accessTokenExpiresAt: "x", refreshToken: "r", refreshTokenExpiresAt: "y" };

function answering(...answers: unknown[]) {
  const sent: Record<string, unknown>[] = [];
  vi.stubGlobal("fetch", async (_url: string, init: { body: string }) => {
    sent.push(JSON.parse(init.body));
    return new Response(JSON.stringify(answers[sent.length - 1]), { status: 200 });
  });
  return sent;
}

describe("refreshing the tokens", () => {
  afterEach(() => vi.unstubAllGlobals());

  it("names the operation by its trusted document's hash alone", async () => {
    const sent = answering({ data: { refreshToken: TOKENS } });
    expect(await refreshTokens("old", true)).toEqual(TOKENS);
    expect(sent).toHaveLength(1);
    expect(sent[0].query).toBeUndefined();
    expect(sent[0].extensions).toEqual({ persistedQuery: { version: 1, sha256Hash: expect.stringMatching(/^[0-9a-f]{64}$/) } });
  });

  it("sends the text when the gateway does not know the hash", async () => {
    const sent = answering({ errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] },
                           { data: { refreshToken: TOKENS } });
    expect(await refreshTokens("old", true)).toEqual(TOKENS);
    expect(sent).toHaveLength(2);
    expect(sent[1].query).toMatch(/mutation RefreshToken/);
  });

  it("sends the text in development builds", async () => {
    const sent = answering({ data: { refreshToken: TOKENS } });
    await refreshTokens("old", false);
    expect(sent[0].query).toMatch(/mutation RefreshToken/);
    expect(sent[0].extensions).toBeUndefined();
  });
});
