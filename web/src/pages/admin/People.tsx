// The company administrator's people: who is there (searched, filtered by status, a cursor page at a time), an
// invitation (the person chooses their password from the e-mail), each person's role, deactivation and
// reactivation, and the CSV import with its per-row report, shown as a table a person can fix the file from.
import { useMutation, useQuery } from "@apollo/client";
import { useState, type FormEvent } from "react";

import { CheckedInput, Pager, type Said } from "../../components/AdminParts";
import { ErrorMessage } from "../../components/ErrorMessage";
import { placeRefusals } from "../../components/Refusals";
import {
  AdminAssignRoleDocument, AdminCreateUserDocument, AdminDeactivateUserDocument,
  AdminImportUsersDocument, AdminPeopleDocument, AdminReactivateUserDocument, AdminRolesDocument,
  type AccountStatus, type AdminImportUsersMutation,
} from "../../gql/graphql";
import { useI18n } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/messages";

const PAGE = 20;

/** A failed mutation's errors that name an input field (`BAD_USER_INPUT`, or `CONFLICT` for a value in use), by
 * the field's last part (`input.email` -> `email`), to show beside it; `rest`: some error names none. A
 * BAD_USER_INPUT that lists its `problems` puts each reason beside its own field (`placeRefusals`). */
export function fieldErrors(failure: unknown): { byField: Record<string, Said>; rest: boolean } {
  const { said, rest } = placeRefusals(failure, byLastPart);
  return { byField: said, rest: !!rest };
}

const byLastPart = (field: string) => [field.split(".").pop() as string];

/** An invitation to the administrator's company, with the role chosen; or, with `companyId` and `roleId` (platform
 * staff inviting a company's administrator), to that company in that role, no role to choose. */
export function Invite({ roles = [], onDone, companyId, roleId, title = "people.invite" }: {
  roles?: { id: string; name: string }[]; onDone: () => void; companyId?: string; roleId?: string; title?: MessageKey;
}) {
  const { t } = useI18n();
  const empty = { email: "", firstName: "", lastName: "", roleId: "", language: "es" };
  const [form, setForm] = useState(empty);
  const [create, creating] = useMutation(AdminCreateUserDocument);
  const [invited, setInvited] = useState<string | null>(null);
  const { byField, rest } = fieldErrors(creating.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setInvited(null);
    const done = await create({ variables: { input: {
      email: form.email, firstName: form.firstName, lastName: form.lastName, language: form.language,
      roleId: roleId ?? (form.roleId || null), companyId: companyId ?? null,
    } } }).catch(() => null);
    if (done?.data) {
      setInvited(done.data.createUser.email ?? form.email);
      setForm(empty);
      onDone();
    }
  }

  const field = (name: keyof typeof form, label: MessageKey, type = "text") => (
    <CheckedInput id={`invite-${name}`} name={name} label={label} type={type} value={form[name]}
                  onChange={(value) => setForm({ ...form, [name]: value })} said={byField[name]} />
  );

  return (
    <form onSubmit={submit} aria-labelledby="invite-title" aria-busy={creating.loading} className="wide-form">
      <h2 id="invite-title">{t(title)}</h2>
      {field("email", "people.email", "email")}
      {field("firstName", "profile.firstName")}
      {field("lastName", "profile.lastName")}
      {!roleId && (
        <label>{t("people.role")}
          <select name="roleId" value={form.roleId} onChange={(e) => setForm({ ...form, roleId: e.target.value })}>
            <option value="">{t("people.defaultRole")}</option>
            {roles.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
          </select>
          {byField.roleId && <small className="field-error">{t(byField.roleId.key, byField.roleId.values)}</small>}
        </label>
      )}
      {rest && <ErrorMessage error={pickUnfielded(creating.error)} />}
      {invited && <p role="status">{t("people.invited", { email: invited })}</p>}
      <button type="submit" disabled={creating.loading}>{t("people.sendInvite")}</button>
    </form>
  );
}

/** The errors of `failure` that name no field, for ErrorMessage (those beside a field are shown there). */
export function pickUnfielded(failure: unknown): unknown {
  return placeRefusals(failure, byLastPart).rest ?? { graphQLErrors: [] };
}

export function ImportReport({ report }: { report: AdminImportUsersMutation["importUsers"] }) {
  const { t } = useI18n();
  return (
    <section aria-labelledby="import-report">
      <h3 id="import-report">{t("people.importReport", { created: report.createdCount, refused: report.errors.length })}</h3>
      {report.errors.length > 0 && (
        <table className="import-errors">
          <caption>{t("people.importFix")}</caption>
          <thead><tr><th scope="col">{t("people.row")}</th><th scope="col">{t("people.email")}</th>
            <th scope="col">{t("people.reasons")}</th></tr></thead>
          <tbody>
            {report.errors.map((e) => (
              <tr key={e.row}><td>{e.row}</td><td>{e.email ?? "—"}</td><td>{e.reasons.join("; ")}</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function Import({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const [csv, setCsv] = useState("");
  const [run, importing] = useMutation(AdminImportUsersDocument);
  const report = importing.data?.importUsers;
  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await run({ variables: { csv } }).catch(() => null);
    if (done?.data?.importUsers.createdCount) onDone();
  }
  return (
    <form onSubmit={submit} aria-labelledby="import-title" aria-busy={importing.loading} className="wide-form">
      <h2 id="import-title">{t("people.import")}</h2>
      <p>{t("people.importHelp")}</p>
      <label>{t("people.csvFile")}
        <input type="file" accept=".csv,text/csv" onChange={(e) => {
          const file = e.target.files?.[0];
          if (file) void file.text().then(setCsv);
        }} />
      </label>
      <label>{t("people.csv")}
        <textarea name="csv" rows={6} required value={csv} onChange={(e) => setCsv(e.target.value)} />
      </label>
      <ErrorMessage error={importing.error} />
      <button type="submit" disabled={importing.loading || !csv.trim()}>{t("people.importRun")}</button>
      {report && <ImportReport report={report} />}
    </form>
  );
}

export function People() {
  const { t, dateTime } = useI18n();
  const [search, setSearch] = useState("");
  const [status, setStatus] = useState<AccountStatus | "">("");
  const [after, setAfter] = useState<(string | null)[]>([null]); // the cursor of each page seen, to go back
  const filter = { search: search || null, status: status || null };
  const people = useQuery(AdminPeopleDocument, { variables: { filter, first: PAGE, after: after[after.length - 1] } });
  const roles = useQuery(AdminRolesDocument);
  const refetch = { refetchQueries: [AdminPeopleDocument] };
  const [assign, assigning] = useMutation(AdminAssignRoleDocument);
  const [deactivate, deactivating] = useMutation(AdminDeactivateUserDocument, refetch);
  const [reactivate, reactivating] = useMutation(AdminReactivateUserDocument, refetch);
  const choosable = (roles.data?.roles ?? []).filter((r) => !r.platformOnly);
  const page = people.data?.users;

  return (
    <main id="content" className="admin">
      <h1>{t("people.title")}</h1>
      <div className="filters">
        <label>{t("people.search")}
          <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setAfter([null]); }} />
        </label>
        <label>{t("people.status")}
          <select value={status} onChange={(e) => { setStatus(e.target.value as AccountStatus | ""); setAfter([null]); }}>
            <option value="">{t("people.anyStatus")}</option>
            <option value={"ACTIVE"}>{t("people.ACTIVE")}</option>
            <option value={"INACTIVE"}>{t("people.INACTIVE")}</option>
          </select>
        </label>
      </div>
      <ErrorMessage error={people.error ?? assigning.error ?? deactivating.error ?? reactivating.error} />
      {page && (
        <>
          <p>{t("people.count", { count: page.totalCount })}</p>
          <table className="people">
            <thead><tr><th scope="col">{t("people.name")}</th><th scope="col">{t("people.email")}</th>
              <th scope="col">{t("people.role")}</th><th scope="col">{t("people.status")}</th>
              <th scope="col">{t("people.lastLogin")}</th><th scope="col"><span className="sr-only">{t("people.actions")}</span></th></tr></thead>
            <tbody>
              {page.edges.map(({ node: person }) => (
                <tr key={person.id}>
                  <th scope="row">{person.name}</th>
                  <td>{person.email}</td>
                  <td>
                    <select aria-label={t("people.roleOf", { name: person.name })} value={person.role?.id ?? ""}
                            disabled={assigning.loading}
                            onChange={(e) => void assign({ variables: { userId: person.id, roleId: e.target.value } })
                              .catch(() => undefined)}>
                      {!person.role && <option value="">—</option>}
                      {choosable.map((r) => <option key={r.id} value={r.id}>{r.name}</option>)}
                    </select>
                  </td>
                  <td>{t(person.status === "INACTIVE" ? "people.INACTIVE" : "people.ACTIVE")}</td>
                  <td>{person.lastLoginAt ? dateTime(person.lastLoginAt) : "—"}</td>
                  <td>
                    {person.status === "INACTIVE"
                      ? <button type="button" onClick={() => void reactivate({ variables: { id: person.id } }).catch(() => undefined)}>
                          {t("people.reactivate")}</button>
                      : <button type="button" className="quiet"
                                onClick={() => void deactivate({ variables: { id: person.id } }).catch(() => undefined)}>
                          {t("people.deactivate")}</button>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager cursors={after} onChange={setAfter} hasNextPage={page.pageInfo.hasNextPage}
                 endCursor={page.pageInfo.endCursor} />
        </>
      )}
      <Invite roles={choosable} onDone={() => void people.refetch()} />
      <Import onDone={() => void people.refetch()} />
    </main>
  );
}
