import { parse } from "graphql";
import { describe, expect, it } from "vitest";

import manifest from "../../../schema/persisted-documents.json";
import * as generated from "../gql/graphql";
import { documentHash, hashesByName } from "./persisted";

describe("trusted documents", () => {
  const hashes = hashesByName(generated as Record<string, unknown>);

  it("names every generated operation by a hash the gateway's manifest holds", () => {
    expect(hashes.size).toBeGreaterThan(20);
    for (const hash of hashes.values()) expect(Object.keys(manifest)).toContain(hash);
    expect(hashes.size).toBe(Object.keys(manifest).length);
  });

  it("finds a document's hash by its operation name, as Apollo Client hands it over", () => {
    const text = (manifest as Record<string, string>)[hashes.get("TicketDetail")!];
    expect(documentHash(parse(text))).toBe(hashes.get("TicketDetail"));
  });

  it("refuses a document that is not the app's", () => {
    expect(() => documentHash(parse("query HandWritten { me { id } }"))).toThrow(/HandWritten is not one of/);
    expect(() => documentHash(parse("{ me { id } }"))).toThrow(/anonymous operation/);
  });
});
