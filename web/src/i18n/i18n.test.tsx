import { act, cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import { I18nProvider, useI18n } from "./i18n";

let setZone: (zone: string | null) => void = () => undefined;

function Shown({ at }: { at: string }) {
  const { dateTime, setTimeZone } = useI18n();
  setZone = setTimeZone;
  return <p>{dateTime(at)}</p>;
}

describe("dates", () => {
  afterEach(cleanup);

  it("are shown in the company's time zone once it is known, in the person's language", () => {
    render(<I18nProvider initial="en"><Shown at="2026-12-04T15:30:00Z" /></I18nProvider>);
    act(() => setZone("America/Lima"));
    expect(screen.getByText(/10:30/)).toBeTruthy(); // UTC-5
    act(() => setZone("Europe/Madrid"));
    expect(screen.getByText(/4:30/)).toBeTruthy(); // UTC+1, 4:30 PM
    act(() => setZone("Not/AZone"));
    expect(screen.getByText(/2026/)).toBeTruthy(); // an unknown zone falls back to the browser's, no crash
  });
});
