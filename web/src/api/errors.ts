// What a person reads when an operation fails: from the error's stable `extensions.code` (and `reason`), never
// from a stack trace. Field errors (`BAD_USER_INPUT` with `field`, or `problems`: each reason with its field) are
// also kept by field, for forms.
import type { MessageKey } from "../i18n/messages";

export interface ApiError {
  message: string;
  extensions?: Record<string, unknown>;
}

export interface Explained {
  key: MessageKey;
  values: Record<string, string | number>;
  field?: string;
}

const BY_REASON: Record<string, MessageKey> = {
  BAD_CREDENTIALS: "error.BAD_CREDENTIALS",
  COMPANY_SUSPENDED: "error.COMPANY_SUSPENDED",
  LICENCE_EXPIRED: "error.LICENCE_EXPIRED",
  ACCOUNT_INACTIVE: "error.ACCOUNT_INACTIVE",
  SESSION_REVOKED: "error.SESSION_ENDED",
  TOKEN_STALE: "error.SESSION_ENDED",
  TOKEN_EXPIRED: "error.SESSION_ENDED",
  REFRESH_REUSED: "error.SESSION_ENDED",
  KEYS_UNAVAILABLE: "error.SERVICE_UNAVAILABLE",
};

const BY_CODE: Record<string, MessageKey> = {
  FORBIDDEN: "error.FORBIDDEN",
  NOT_FOUND: "error.NOT_FOUND",
  CONFLICT: "error.CONFLICT",
  SERVICE_UNAVAILABLE: "error.SERVICE_UNAVAILABLE",
  PAYLOAD_TOO_LARGE: "error.PAYLOAD_TOO_LARGE",
};

/** One reason a BAD_USER_INPUT gives, with the input field it is about ("input." dropped), or null. */
export interface Problem { field: string | null; message: string }

const fieldName = (field: unknown) => (typeof field === "string" && field ? field.replace(/^input\./, "") : null);

/** A BAD_USER_INPUT's `extensions.problems`: each reason with the field it is about, in order; null when the error
 * does not list them. */
export function listedProblems(error: ApiError): Problem[] | null {
  const listed = error.extensions?.problems;
  if (error.extensions?.code !== "BAD_USER_INPUT" || !Array.isArray(listed) || !listed.length) return null;
  return listed.flatMap((p: { field?: unknown; message?: unknown } | null) =>
    p && typeof p.message === "string" ? [{ field: fieldName(p.field), message: p.message }] : []);
}

/** A BAD_USER_INPUT's reasons, each with its field: as `problems` lists them, else every reason (or the message)
 * with the error's one `field`, or none (several `fields` alone do not say whose each reason is). */
export function problemsOf(error: ApiError): Problem[] {
  const listed = listedProblems(error);
  if (listed) return listed;
  const ext = error.extensions ?? {};
  const reasons = Array.isArray(ext.reasons) && ext.reasons.length ? ext.reasons.map(String) : [error.message];
  const field = fieldName(ext.field);
  return reasons.map((message) => ({ field, message }));
}

/** One GraphQL error as a message key with its values. */
export function explain(error: ApiError): Explained {
  const ext = error.extensions ?? {};
  const code = typeof ext.code === "string" ? ext.code : "";
  const reason = typeof ext.reason === "string" ? ext.reason : "";
  const field = typeof ext.field === "string" ? ext.field : undefined;
  if (reason && reason in BY_REASON) return { key: BY_REASON[reason], values: {}, field };
  if (code === "RATE_LIMITED") {
    const seconds = typeof ext.retryAfter === "number" ? ext.retryAfter : 60;
    return { key: "error.RATE_LIMITED", values: { seconds }, field };
  }
  if (code === "UNAUTHENTICATED") return { key: "error.SESSION_ENDED", values: {}, field };
  if (code === "BAD_USER_INPUT") {
    const reasons = Array.isArray(ext.reasons) ? ext.reasons.join("; ") : error.message;
    return { key: "error.BAD_USER_INPUT", values: { detail: reasons }, field };
  }
  if (code === "CONFLICT" && field) return { key: "error.TAKEN", values: {}, field }; // a unique value in use
  if (code in BY_CODE) return { key: BY_CODE[code], values: {}, field };
  return { key: "error.UNKNOWN", values: {}, field };
}

/** The errors of a failed request (an Apollo error, a fetch failure...), explained; never empty. */
export function explainAll(failure: unknown): Explained[] {
  const graphQLErrors = (failure as { graphQLErrors?: ApiError[] } | null)?.graphQLErrors;
  if (graphQLErrors && graphQLErrors.length) return graphQLErrors.map(explain);
  const errors = (failure as { errors?: ApiError[] } | null)?.errors;
  if (Array.isArray(errors) && errors.length) return errors.map(explain);
  const network = (failure as { networkError?: { result?: { errors?: ApiError[] } } | null } | null)?.networkError;
  const refused = network?.result?.errors; // an answer with an error status (413...) still says why, by its code
  if (Array.isArray(refused) && refused.length) return refused.map(explain);
  if (network || failure instanceof TypeError) return [{ key: "error.NETWORK", values: {} }];
  return [{ key: "error.UNKNOWN", values: {} }];
}
