import { describe, expect, it } from "vitest";

import { format } from "../i18n/messages";
import { explain, explainAll } from "./errors";

describe("error messages", () => {
  it("read the code and reason, never the server's wording", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ code: "UNAUTHENTICATED", reason: "BAD_CREDENTIALS" }, "The access code, e-mail or password is not right."],
      [{ code: "RATE_LIMITED", retryAfter: 42 }, "Too many attempts. Try again in 42 seconds."],
      [{ code: "FORBIDDEN", reason: "COMPANY_SUSPENDED" },
       "Your company's access is suspended. Contact the platform operator."],
      [{ code: "UNAUTHENTICATED", reason: "TOKEN_EXPIRED" }, "Your session has ended. Sign in again."],
      [{ code: "CONFLICT" }, "Someone changed it meanwhile. Reload and try again."],
      [{ code: "UNAUTHENTICATED", reason: "KEYS_UNAVAILABLE" },
       "Part of the service is unavailable right now. Try again in a moment."],
      [{ code: "PAYLOAD_TOO_LARGE" },
       "That is too much to send at once (at most 4 MiB). Send large files one at a time."],
      [{ code: "INTERNAL_SERVER_ERROR" }, "Something went wrong on our side. Try again; if it keeps happening, tell support."],
      [{}, "Something went wrong on our side. Try again; if it keeps happening, tell support."],
    ];
    for (const [extensions, text] of cases) {
      const e = explain({ message: "whatever the server said", extensions });
      expect(format("en", e.key, e.values)).toBe(text);
    }
  });

  it("keep a bad input's reasons and field, in the person's language", () => {
    const e = explain({ message: "x", extensions: { code: "BAD_USER_INPUT", field: "title",
                                                    reasons: ["title must have between 1 and 200 characters"] } });
    expect(e.field).toBe("title");
    expect(format("es", e.key, e.values)).toBe("Revisa lo que escribiste: title must have between 1 and 200 characters");
  });

  it("say the server cannot be reached when no answer came", () => {
    expect(explainAll({ networkError: new TypeError("Failed to fetch"), graphQLErrors: [] })[0].key).toBe("error.NETWORK");
    expect(explainAll(new TypeError("Failed to fetch"))[0].key).toBe("error.NETWORK");
    // a 413 or 400 from the gateway: no GraphQL errors on the response, but its body names the code
    const tooLarge = { graphQLErrors: [], networkError: { statusCode: 413, result: {
      errors: [{ message: "The request body exceeds 4194304 bytes.", extensions: { code: "PAYLOAD_TOO_LARGE" } }] } } };
    expect(explainAll(tooLarge)[0].key).toBe("error.PAYLOAD_TOO_LARGE");
    expect(explainAll({ graphQLErrors: [{ message: "m", extensions: { code: "NOT_FOUND" } }] })[0].key)
      .toBe("error.NOT_FOUND");
  });
});
