// Trusted documents: in production builds the app names each operation by the SHA-256 that codegen gave it
// (`__meta__.hash` of each generated document) instead of sending its text. The gateway holds the texts
// (schema/persisted-documents.json, GATEWAY_PERSISTED_DOCUMENTS) and, in require mode, runs nothing else.
import { createPersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { getOperationName } from "@apollo/client/utilities";
import type { DocumentNode } from "graphql";

import * as generated from "../gql/graphql";

type Persisted = { __meta__?: { hash?: string }; kind?: string; definitions?: unknown };

/** Operation name -> hash, for every generated document that has one (fragments have no operation name). */
export function hashesByName(modules: Record<string, unknown>): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const value of Object.values(modules)) {
    const document = value as Persisted | null;
    if (!document || typeof document !== "object" || document.kind !== "Document" || !document.__meta__?.hash) continue;
    const name = getOperationName(document as unknown as DocumentNode);
    if (name) hashes.set(name, document.__meta__.hash);
  }
  return hashes;
}

const HASHES = hashesByName(generated as Record<string, unknown>);

/** The hash of one of the app's documents, found by its operation name (Apollo Client hands the link a copy of the
document with its cache's changes, not the generated object itself). */
export function documentHash(document: DocumentNode, hashes: Map<string, string> = HASHES): string {
  const name = getOperationName(document);
  const hash = name ? hashes.get(name) : undefined;
  if (!hash) throw new Error(`${name ?? "An anonymous operation"} is not one of the app's trusted documents`);
  return hash;
}

/** Sends `extensions.persistedQuery.sha256Hash` and no text; the text only if the gateway asks for it (it does not
know the hash: a gateway older than the app), which a gateway in require mode then refuses. */
export function persistedLink() {
  return createPersistedQueryLink({ generateHash: (document) => documentHash(document) });
}
