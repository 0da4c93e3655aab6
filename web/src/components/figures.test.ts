import { describe, expect, it } from "vitest";

import { duration, lastDays, percent } from "./figures";

describe("the dashboard's figures", () => {
  it("says a share as a whole percentage, and nothing decided as a dash", () => {
    expect(percent(0.9349)).toBe("93 %");
    expect(percent(1)).toBe("100 %");
    expect(percent(0)).toBe("0 %");
    expect(percent(null)).toBe("—");
  });

  it("says business minutes as hours and minutes", () => {
    expect(duration(42.4)).toBe("42 min");
    expect(duration(125)).toBe("2 h 05 min");
    expect(duration(59.6)).toBe("1 h 00 min");
    expect(duration(undefined)).toBe("—");
  });

  it("asks for the last N days, up to just after now", () => {
    const before = Date.now();
    const { from, to } = lastDays(30);
    const span = Date.parse(to) - Date.parse(from);
    expect(span).toBe(30 * 86_400_000);
    expect(Date.parse(to)).toBeGreaterThan(before); // a ticket raised this second is inside the period
  });
});
