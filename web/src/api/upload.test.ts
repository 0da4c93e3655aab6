import { ApolloLink, execute, toPromise } from "@apollo/client";
import createUploadLink from "apollo-upload-client/createUploadLink.mjs";
import { describe, expect, it } from "vitest";

import { UploadMyPhotoDocument } from "../gql/graphql";
import { holdsFile } from "./client";
import { persistedLink } from "./persisted";

describe("files sent as files", () => {
  it("finds a file anywhere in an operation's variables", () => {
    const file = new File(["x"], "a.png", { type: "image/png" });
    expect(holdsFile({ input: { attachments: [{ name: "a.png", file }] } })).toBe(true);
    expect(holdsFile({ input: { attachments: [{ name: "a.png", contentBase64: "eA==" }] }, n: null })).toBe(false);
  });

  it("sends a multipart form whose operation is named by its hash alone, with the preflight header", async () => {
    const sent: { headers: Headers; body: FormData }[] = [];
    const fetch = async (_uri: string, init: RequestInit) => {
      sent.push({ headers: new Headers(init.headers), body: init.body as FormData });
      return new Response(JSON.stringify({ data: { uploadUserPhoto: { id: "u1", photoUrl: "/p" } } }),
                          { headers: { "content-type": "application/json" } });
    };
    const link = ApolloLink.from([persistedLink(), createUploadLink({
      uri: "/graphql", headers: { "apollo-require-preflight": "true" }, fetch })]);
    const file = new File(["\x89PNG"], "me.png", { type: "image/png" });
    await toPromise(execute(link, { query: UploadMyPhotoDocument, variables: { userId: "u1", file } }));
    const [{ headers, body }] = sent;
    const operations = JSON.parse(body.get("operations") as string);
    expect(operations.query).toBeUndefined();
    expect(operations.extensions.persistedQuery.sha256Hash).toMatch(/^[0-9a-f]{64}$/);
    expect(operations.variables).toEqual({ userId: "u1", file: null });
    expect(JSON.parse(body.get("map") as string)).toEqual({ 1: ["variables.file"] });
    expect((body.get("1") as File).name).toBe("me.png");
    expect(headers.get("apollo-require-preflight")).toBe("true");
  });
});
