// The company administrator's desk settings, three forms each saved on its own: the business calendar SLA deadlines
// are counted in (time zone, opening hours per weekday, holidays), automatic assignment (the IA's proposal applied
// without a person), and the ticket chat's policy (in which statuses it is read and written; a company's own policy
// can be dropped for the default again). The API's refusals show beside the input they name.
import { useMutation, useQuery, type ApolloCache } from "@apollo/client";
import { useState, type FormEvent, type KeyboardEvent } from "react";

import { ErrorMessage } from "../../components/ErrorMessage";
import { Beside, describedBy, placeRefusals, type Place } from "../../components/Refusals";
import {
  AdminDeskSettingsDocument, AdminUpdateDeskSettingsDocument, ChatPolicyDocument, ResetChatPolicyDocument,
  UpdateChatPolicyDocument,
  type AdminDeskFragment, type AdminUpdateDeskSettingsMutation, type CalendarInput, type ChatPolicyQuery,
  type TicketStatus, type Weekday,
} from "../../gql/graphql";
import { useI18n } from "../../i18n/i18n";
import type { Language } from "../../i18n/messages";
import "./Settings.css";

export const WEEKDAYS: Weekday[] = ["MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY"];
export const STATUSES: TicketStatus[] = ["OPEN", "IN_PROGRESS", "ON_HOLD", "RESOLVED", "CLOSED", "CANCELLED"];
const NINE_TO_SIX = { opens: "09:00", closes: "18:00" }; // a day opened again starts with these hours

// ---- the calendar form's state, and the input the API takes ----

/** Hours a day is open, as the API writes them: "09:00" to "18:00", "24:00" for midnight. */
export interface Hours { opens: string; closes: string }
/** A weekday: closed, or open in one or more stretches (its hours are kept while closed, to open it again). */
export interface DayDraft { open: boolean; hours: Hours[] }
export interface CalendarDraft {
  timezone: string; week: Record<Weekday, DayDraft>; holidays: { date: string; name: string }[];
}

export function calendarDraftOf(calendar: AdminDeskFragment["calendar"]): CalendarDraft {
  const week = Object.fromEntries(WEEKDAYS.map((day) => {
    const hours = calendar.hours.filter((h) => h.day === day).map(({ opens, closes }) => ({ opens, closes }));
    return [day, { open: hours.length > 0, hours: hours.length ? hours : [NINE_TO_SIX] }];
  })) as Record<Weekday, DayDraft>;
  return { timezone: calendar.timezone, week, holidays: calendar.holidays.map((h) => ({ date: h.date, name: h.name ?? "" })) };
}

/** The input names of the hours sent, in the order they are sent ("hours.MONDAY.0": Monday's first hours). */
export function sentHours(draft: CalendarDraft): string[] {
  return WEEKDAYS.flatMap((day) => (draft.week[day].open ? draft.week[day].hours.map((_, n) => `hours.${day}.${n}`) : []));
}

/** The whole calendar (the API replaces it): the hours of open days only; a holiday's empty name goes as null. */
export function calendarInputOf(draft: CalendarDraft): CalendarInput {
  return {
    timezone: draft.timezone.trim(),
    hours: WEEKDAYS.flatMap((day) => (draft.week[day].open ? draft.week[day].hours.map((h) => ({ day, ...h })) : [])),
    holidays: draft.holidays.map((h) => ({ date: h.date, name: h.name.trim() || null })),
  };
}

/** A closing time as a time input shows it: midnight ("24:00", which it cannot hold) as 00:00... */
export const shownClose = (closes: string) => (closes === "24:00" ? "00:00" : closes);
/** ...and back: closing at 00:00 can only mean at the end of the day. */
export const keptClose = (value: string) => (value === "00:00" ? "24:00" : value);

/** The holidays with one more (or, on a date already there, its name changed), by date. */
export function withHoliday(holidays: CalendarDraft["holidays"], date: string, name: string): CalendarDraft["holidays"] {
  return [...holidays.filter((h) => h.date !== date), { date, name }].sort((a, b) => a.date.localeCompare(b.date));
}

/**
 * The calendar's refusals by input name, for the calendar as it was sent. The API names an entry of the hours sent
 * by its place: "hours.2.opens" a time it could not read (that input), "hours.2" an entry that closes before it
 * opens or overlaps another (its day's row); "hours" the hours as a whole.
 */
export function calendarErrors(failure: unknown, sent: CalendarDraft) {
  const names = sentHours(sent);
  const place: Place = (raw) => {
    const field = raw.replace(/^calendar\./, "");
    if (field === "timezone" || field === "holidays" || field === "autoAssign") return [field];
    if (field.startsWith("holidays.")) return ["holidays"];
    const indexed = /^hours\.(\d+)(?:\.(opens|closes))?$/.exec(field);
    const name = indexed && names[Number(indexed[1])]; // "hours.MONDAY.1"
    if (name) return [indexed[2] ? `${name}.${indexed[2]}` : name.split(".").slice(0, 2).join(".")];
    return field === "hours" || field.startsWith("hours.") ? ["hours"] : [];
  };
  return placeRefusals(failure, place);
}

/** The chat policy's refusals: "writableStatuses" (writable where it is not readable) beside that group. */
export function chatErrors(failure: unknown) {
  return placeRefusals(failure, (field) => (field === "readableStatuses" || field === "writableStatuses" ? [field] : []));
}

/** `statuses` with `status` in or out, in the lifecycle's order. */
export function toggled(statuses: readonly TicketStatus[], status: TicketStatus, on: boolean): TicketStatus[] {
  return STATUSES.filter((s) => (s === status ? on : statuses.includes(s)));
}

// ---- the screen ----

/** Settings saved: what the screen shows (and the app's time zone) is the API's answer. */
function keep(cache: ApolloCache<unknown>, data: AdminUpdateDeskSettingsMutation | null | undefined) {
  if (data) cache.writeQuery({ query: AdminDeskSettingsDocument, data: { __typename: "Query", deskSettings: data.updateDeskSettings } });
}

function dayOf(date: string, language: Language): string {
  const day = new Date(`${date}T00:00:00Z`);
  return Number.isNaN(day.getTime()) ? date
    : new Intl.DateTimeFormat(language, { dateStyle: "full", timeZone: "UTC" }).format(day);
}

// the zones this browser knows, for a select (a text input where it cannot list them)
const ZONES: string[] | null = typeof Intl.supportedValuesOf === "function" ? Intl.supportedValuesOf("timeZone") : null;

function CalendarForm({ calendar }: { calendar: AdminDeskFragment["calendar"] }) {
  const { t, language } = useI18n();
  const [draft, setDraft] = useState(() => calendarDraftOf(calendar));
  const [sent, setSent] = useState(draft);
  const [holiday, setHoliday] = useState({ date: "", name: "" });
  const [saved, setSaved] = useState(false);
  const [save, saving] = useMutation(AdminUpdateDeskSettingsDocument, { update: (cache, { data }) => keep(cache, data) });
  const { said, rest } = calendarErrors(saving.error, sent);
  const change = (next: Partial<CalendarDraft>) => {
    setDraft({ ...draft, ...next });
    setSaved(false);
  };
  const setDay = (day: Weekday, next: Partial<DayDraft>) => change({ week: { ...draft.week, [day]: { ...draft.week[day], ...next } } });
  const setHours = (day: Weekday, n: number, next: Partial<Hours>) =>
    setDay(day, { hours: draft.week[day].hours.map((h, m) => (m === n ? { ...h, ...next } : h)) });
  const addHoliday = () => {
    if (!holiday.date) return;
    change({ holidays: withHoliday(draft.holidays, holiday.date, holiday.name) });
    setHoliday({ date: "", name: "" });
  };
  const addOnEnter = (event: KeyboardEvent) => { // Enter in the new holiday adds it, rather than saving the calendar
    if (event.key !== "Enter") return;
    event.preventDefault();
    addHoliday();
  };

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    setSent(draft);
    const done = await save({ variables: { input: { calendar: calendarInputOf(draft) } } }).catch(() => null);
    if (done?.data) {
      setDraft(calendarDraftOf(done.data.updateDeskSettings.calendar));
      setSaved(true);
    }
  }

  const zones = ZONES && (ZONES.includes(draft.timezone) ? ZONES : [draft.timezone, ...ZONES]);
  const zoneProps = {
    id: "calendar-timezone", name: "timezone", value: draft.timezone, "aria-invalid": !!said.timezone,
    "aria-describedby": describedBy(!zones && "calendar-timezone-hint", said.timezone && "calendar-timezone-error"),
  };
  return (
    <form onSubmit={submit} aria-labelledby="calendar-title" aria-busy={saving.loading} className="settings-form">
      <h2 id="calendar-title">{t("settings.calendar")}</h2>
      <p className="muted">{t("settings.calendarHelp")}</p>
      <label>{t("settings.timezone")}
        {zones ? (
          <select {...zoneProps} onChange={(e) => change({ timezone: e.target.value })}>
            {zones.map((z) => <option key={z} value={z}>{z}</option>)}
          </select>
        ) : (
          <input {...zoneProps} required autoComplete="off" spellCheck={false} onChange={(e) => change({ timezone: e.target.value })} />
        )}
        {!zones && <small id="calendar-timezone-hint">{t("settings.timezoneHint")}</small>}
        <Beside id="calendar-timezone-error" said={said.timezone} />
      </label>

      <fieldset className="hours" aria-describedby={describedBy("calendar-midnight", said.hours && "calendar-hours-error")}>
        <legend>{t("settings.hours")}</legend>
        <table>
          <thead><tr><th scope="col">{t("settings.day")}</th><th scope="col">{t("settings.open")}</th>
            <th scope="col">{t("settings.hours")}</th></tr></thead>
          <tbody>
            {WEEKDAYS.map((day) => {
              const name = t(`settings.day.${day}`);
              const { open, hours } = draft.week[day];
              const daySaid = said[`hours.${day}`];
              return (
                <tr key={day} data-day={day}>
                  <th scope="row">{name}</th>
                  <td>
                    <label className="check">
                      <input type="checkbox" name={`hours.${day}.open`} checked={open} aria-label={t("settings.openOn", { day: name })}
                             onChange={(e) => setDay(day, { open: e.target.checked })} />
                      {t("settings.open")}
                    </label>
                  </td>
                  <td>
                    {!open ? t("settings.closed") : hours.map((h, n) => {
                      const input = `hours.${day}.${n}`;
                      const times = (["opens", "closes"] as const).map((part) => {
                        const partSaid = said[`${input}.${part}`];
                        return (
                          <label key={part}>{t(`settings.${part}`)}
                            <input type="time" name={`${input}.${part}`} required aria-invalid={!!(partSaid ?? daySaid)}
                                   aria-label={t(part === "opens" ? "settings.opensAt" : "settings.closesAt", { day: name, n: n + 1 })}
                                   aria-describedby={describedBy(partSaid && `calendar-${input}.${part}-error`, daySaid && `calendar-${day}-error`)}
                                   value={part === "opens" ? h.opens : shownClose(h.closes)}
                                   onChange={(e) => setHours(day, n, part === "opens" ? { opens: e.target.value } : { closes: keptClose(e.target.value) })} />
                            <Beside id={`calendar-${input}.${part}-error`} said={partSaid} />
                          </label>
                        );
                      });
                      return (
                        <div key={n} className="stretch">
                          {times}
                          {hours.length > 1 && (
                            <button type="button" className="secondary" aria-label={t("settings.removeHours", { n: n + 1, day: name })}
                                    onClick={() => setDay(day, { hours: hours.filter((_, m) => m !== n) })}>{t("settings.remove")}</button>
                          )}
                        </div>
                      );
                    })}
                    {open && (
                      <button type="button" className="link" aria-label={t("settings.addHours", { day: name })}
                              onClick={() => setDay(day, { hours: [...hours, { opens: "", closes: "" }] })}>
                        {t("settings.addHoursShort")}</button>
                    )}
                    <Beside id={`calendar-${day}-error`} said={daySaid} />
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
        <small id="calendar-midnight">{t("settings.midnight")}</small>
        <Beside id="calendar-hours-error" said={said.hours} />
      </fieldset>

      <fieldset className="holidays" aria-describedby={describedBy("calendar-holidays-help", said.holidays && "calendar-holidays-error")}>
        <legend>{t("settings.holidays")}</legend>
        <small id="calendar-holidays-help">{t("settings.holidaysHelp")}</small>
        {draft.holidays.length === 0 ? <p>{t("settings.noHolidays")}</p> : (
          <table>
            <thead><tr><th scope="col">{t("settings.holidayDate")}</th><th scope="col">{t("settings.holidayName")}</th>
              <th scope="col"><span className="sr-only">{t("people.actions")}</span></th></tr></thead>
            <tbody>
              {draft.holidays.map((h) => (
                <tr key={h.date} data-holiday={h.date}>
                  <th scope="row"><time dateTime={h.date}>{dayOf(h.date, language)}</time></th>
                  <td>{h.name || "—"}</td>
                  <td><button type="button" className="secondary"
                              aria-label={t("settings.removeHoliday", { date: dayOf(h.date, language) })}
                              onClick={() => change({ holidays: draft.holidays.filter((o) => o.date !== h.date) })}>
                    {t("settings.remove")}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="new-holiday">
          <label>{t("settings.holidayDate")}
            <input type="date" name="holidayDate" value={holiday.date} onKeyDown={addOnEnter}
                   onChange={(e) => setHoliday({ ...holiday, date: e.target.value })} />
          </label>
          <label>{t("settings.holidayName")}
            <input name="holidayName" value={holiday.name} onKeyDown={addOnEnter}
                   onChange={(e) => setHoliday({ ...holiday, name: e.target.value })} />
          </label>
          <button type="button" className="secondary" disabled={!holiday.date} onClick={addHoliday}>
            {t("settings.addHoliday")}</button>
        </div>
        <Beside id="calendar-holidays-error" said={said.holidays} />
      </fieldset>

      {!!rest && <ErrorMessage error={rest} />}
      <p role="status">{saved && t("settings.saved")}</p>
      <button type="submit" disabled={saving.loading}>{t("settings.saveCalendar")}</button>
    </form>
  );
}

function AutoAssignForm({ autoAssign }: { autoAssign: boolean }) {
  const { t } = useI18n();
  const [on, setOn] = useState(autoAssign);
  const [saved, setSaved] = useState(false);
  const [save, saving] = useMutation(AdminUpdateDeskSettingsDocument, { update: (cache, { data }) => keep(cache, data) });
  const { said, rest } = placeRefusals(saving.error, (field) => (field === "autoAssign" ? [field] : []));

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    // only the switch: the calendar stays as it is
    const done = await save({ variables: { input: { autoAssign: on } } }).catch(() => null);
    if (done?.data) {
      setOn(done.data.updateDeskSettings.autoAssign);
      setSaved(true);
    }
  }

  return (
    <form onSubmit={submit} aria-labelledby="assign-title" aria-busy={saving.loading} className="settings-form">
      <h2 id="assign-title">{t("settings.autoAssign")}</h2>
      <label className="check">
        <input type="checkbox" name="autoAssign" checked={on} aria-invalid={!!said.autoAssign}
               aria-describedby={describedBy("assign-help", said.autoAssign && "assign-error")}
               onChange={(e) => { setOn(e.target.checked); setSaved(false); }} />
        {t("settings.autoAssignLabel")}
      </label>
      <p id="assign-help" className="muted">{t("settings.autoAssignHelp")}</p>
      <Beside id="assign-error" said={said.autoAssign} />
      {!!rest && <ErrorMessage error={rest} />}
      <p role="status">{saved && t("settings.saved")}</p>
      <button type="submit" disabled={saving.loading}>{t("settings.saveAutoAssign")}</button>
    </form>
  );
}

/** The chat policy the API answered, as the screen's query shows it next time. */
function keepPolicy(cache: ApolloCache<unknown>, policy: ChatPolicyQuery["chatPolicy"] | undefined) {
  if (policy) cache.writeQuery({ query: ChatPolicyDocument, data: { __typename: "Query", chatPolicy: policy } });
}

function ChatPolicyForm({ policy }: { policy: ChatPolicyQuery["chatPolicy"] }) {
  const { t } = useI18n();
  const [readable, setReadable] = useState(policy.readableStatuses);
  const [writable, setWritable] = useState(policy.writableStatuses);
  const [customised, setCustomised] = useState(policy.customised);
  const [saved, setSaved] = useState<"" | "saved" | "reset">("");
  const [save, saving] = useMutation(UpdateChatPolicyDocument, {
    update: (cache, { data }) => keepPolicy(cache, data?.updateChatPolicy),
  });
  const [resetPolicy, resetting] = useMutation(ResetChatPolicyDocument, {
    update: (cache, { data }) => keepPolicy(cache, data?.resetChatPolicy),
  });
  // each try clears the other's refusal (Apollo's `reset`): what shows is the last one tried
  const { said, rest } = chatErrors(saving.error ?? resetting.error);

  function show(answer: ChatPolicyQuery["chatPolicy"], what: "saved" | "reset") {
    setReadable(answer.readableStatuses);
    setWritable(answer.writableStatuses);
    setCustomised(answer.customised);
    setSaved(what);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved("");
    resetting.reset();
    const done = await save({ variables: { input: { readableStatuses: readable, writableStatuses: writable } } })
      .catch(() => null);
    if (done?.data) show(done.data.updateChatPolicy, "saved");
  }

  async function backToDefault() {
    setSaved("");
    saving.reset();
    const done = await resetPolicy().catch(() => null);
    if (done?.data) show(done.data.resetChatPolicy, "reset");
  }

  const group = (name: "readableStatuses" | "writableStatuses", legend: string, chosen: TicketStatus[],
                 set: (statuses: TicketStatus[]) => void, hint?: string) => (
    <fieldset className="statuses" aria-describedby={describedBy(hint && `chat-${name}-hint`, said[name] && `chat-${name}-error`)}>
      <legend>{legend}</legend>
      {STATUSES.map((status) => (
        <label key={status} className="check">
          <input type="checkbox" name={name} value={status} checked={chosen.includes(status)}
                 onChange={(e) => { set(toggled(chosen, status, e.target.checked)); setSaved(""); }} />
          {t(`status.${status}`)}
        </label>
      ))}
      {hint && <small id={`chat-${name}-hint`}>{hint}</small>}
      <Beside id={`chat-${name}-error`} said={said[name]} />
    </fieldset>
  );
  return (
    <form onSubmit={submit} aria-labelledby="chat-title" aria-busy={saving.loading || resetting.loading}
          className="settings-form">
      <h2 id="chat-title">{t("settings.chat")}</h2>
      <p className="muted">{t("settings.chatHelp")}</p>
      <p data-customised={customised}>{t(customised ? "settings.chatCustomised" : "settings.chatDefault")}</p>
      {group("readableStatuses", t("settings.readable"), readable, setReadable)}
      {group("writableStatuses", t("settings.writable"), writable, setWritable, t("settings.writableHint"))}
      {!!rest && <ErrorMessage error={rest} />}
      <p role="status">{saved && t(saved === "reset" ? "settings.chatReset" : "settings.saved")}</p>
      <button type="submit" disabled={saving.loading || resetting.loading}>{t("settings.saveChat")}</button>
      {customised && (
        <button type="button" className="secondary" onClick={backToDefault} disabled={saving.loading || resetting.loading}>
          {t("settings.resetChat")}
        </button>
      )}
    </form>
  );
}

export function Settings() {
  const { t } = useI18n();
  // fresh from the API: each form starts from what is saved now, and keeps what the person types after that
  const desk = useQuery(AdminDeskSettingsDocument, { fetchPolicy: "network-only" });
  const chat = useQuery(ChatPolicyDocument, { fetchPolicy: "network-only" });
  const settings = desk.data?.deskSettings;
  return (
    <main id="content" className="admin settings">
      <h1>{t("settings.title")}</h1>
      <ErrorMessage error={desk.error ?? chat.error} />
      {(desk.loading || chat.loading) && !(settings && chat.data) && <p>{t("common.loading")}</p>}
      {settings && <CalendarForm calendar={settings.calendar} />}
      {settings && <AutoAssignForm autoAssign={settings.autoAssign} />}
      {chat.data && <ChatPolicyForm policy={chat.data.chatPolicy} />}
    </main>
  );
}
