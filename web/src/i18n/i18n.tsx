import { createContext, useContext, useMemo, useState, type ReactNode } from "react";

import { format, LANGUAGES, type Language, type MessageKey } from "./messages";

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

interface I18n {
  language: Language;
  setLanguage(language: Language): void;
  t: Translate;
  /** A date and time in the person's language and the browser's time zone. */
  dateTime(iso: string | null | undefined): string;
}

const Context = createContext<I18n | null>(null);

export function toLanguage(value: string | null | undefined): Language {
  const short = (value ?? "").slice(0, 2).toLowerCase();
  return (LANGUAGES as readonly string[]).includes(short) ? (short as Language) : "es";
}

export function I18nProvider({ initial, children }: { initial: Language; children: ReactNode }) {
  const [language, setLanguage] = useState<Language>(initial);
  const value = useMemo<I18n>(() => {
    const formatter = new Intl.DateTimeFormat(language, { dateStyle: "medium", timeStyle: "short" });
    return {
      language,
      setLanguage: (next) => {
        document.documentElement.lang = next;
        setLanguage(next);
      },
      t: (key, values) => format(language, key, values),
      dateTime: (iso) => (iso ? formatter.format(new Date(iso)) : "—"),
    };
  }, [language]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error("useI18n outside I18nProvider");
  return value;
}
