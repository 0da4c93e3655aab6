import { createContext, useContext, useMemo, useState, type ReactNode } from "react";

import { format, LANGUAGES, type Language, type MessageKey } from "./messages";

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  /** The IANA zone dates are shown in (the company's); the browser's until it is known. */
  setTimeZone(zone: string | null): void;
  t: Translate;
  /** A date and time in the person's language and the company's time zone. */
  dateTime(iso: string | null | undefined): string;
}

const Context = createContext<I18n | null>(null);

export function toLanguage(value: string | null | undefined): Language {
  const short = (value ?? "").slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(short) ? (short as Language) : "es";
}

function formatterFor(language: Language, timeZone: string | null): Intl.DateTimeFormat {
  const options: Intl.DateTimeFormatOptions = { dateStyle: "medium", timeStyle: "short" };
  try {
    return new Intl.DateTimeFormat(language, timeZone ? { ...options, timeZone } : options);
  } catch {
    return new Intl.DateTimeFormat(language, options); // a zone this browser does not know: its own
  }
}

export function I18nProvider({ initial, children }: { initial: Language; children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(initial);
  const [timeZone, setTimeZone] = useState<string | null>(null);
  const value = useMemo<I18n>(() => {
    const formatter = formatterFor(language, timeZone);
    return {
      language,
      setLanguage: (next) => {
        document.documentElement.lang = next;
        setLanguage(next);
      },
      setTimeZone,
      t: (key, values) => format(language, key, values),
      dateTime: (iso) => (iso ? formatter.format(new Date(iso)) : "—"),
    };
  }, [language, timeZone]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
