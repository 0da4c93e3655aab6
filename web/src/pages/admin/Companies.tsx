// Platform staff: the companies (searched, a cursor page at a time), a new company with its first administrator,
// a company's access code rotated (the old one stops at once), its licence renewed, its administrators (and another
// invited), suspension with a reason (its people are signed out) and reactivation. Refusals that name a field show
// beside it.
import { useMutation, useQuery } from "@apollo/client";
import { useState, type FormEvent } from "react";

import { CheckedInput, Pager } from "../../components/AdminParts";
import { ErrorMessage } from "../../components/ErrorMessage";
import {
  PlatformCompaniesDocument, PlatformCompanyAdminsDocument, PlatformCreateCompanyDocument,
  PlatformReactivateCompanyDocument, PlatformRenewLicenceDocument, AdminRolesDocument,
  PlatformRotateAccessCodeDocument, PlatformSuspendCompanyDocument, type LicencePlan,
} from "../../gql/graphql";
import { useI18n } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/messages";
import { fieldErrors, Invite, pickUnfielded } from "./People";

const PAGE = 20;

function NewCompany({ onDone }: { onDone: () => void }) {
  const { t } = useI18n();
  const empty = { name: "", taxId: "", email: "", adminEmail: "", adminFirstName: "", adminLastName: "" };
  const [form, setForm] = useState(empty);
  const [create, creating] = useMutation(PlatformCreateCompanyDocument);
  const [created, setCreated] = useState<{ name: string; code: string } | null>(null);
  const { byField, rest } = fieldErrors(creating.error);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setCreated(null);
    const done = await create({ variables: { input: {
      name: form.name, taxId: form.taxId, email: form.email,
      admin: { email: form.adminEmail, firstName: form.adminFirstName, lastName: form.adminLastName },
    } } }).catch(() => null);
    if (done?.data) {
      const company = done.data.createCompany.company;
      setCreated({ name: company.name, code: company.accessCode ?? "" });
      setForm(empty);
      onDone();
    }
  }

  // the API names the first administrator's fields `email`, ... too: those beside the administrator's inputs
  const field = (name: keyof typeof form, label: MessageKey, apiField: string, type = "text") => (
    <CheckedInput id={`company-${name}`} name={name} label={label} type={type} value={form[name]}
                  onChange={(value) => setForm({ ...form, [name]: value })} said={byField[apiField]} />
  );

  return (
    <form onSubmit={submit} aria-labelledby="company-title" aria-busy={creating.loading} className="wide-form">
      <h2 id="company-title">{t("companies.new")}</h2>
      {field("name", "companies.name", "name")}
      {field("taxId", "companies.taxId", "taxId")}
      {field("email", "companies.email", "companyEmail", "email")}
      <h3>{t("companies.firstAdmin")}</h3>
      {field("adminEmail", "people.email", "email", "email")}
      {field("adminFirstName", "profile.firstName", "firstName")}
      {field("adminLastName", "profile.lastName", "lastName")}
      {rest && <ErrorMessage error={pickUnfielded(creating.error)} />}
      {created && <p role="status">{t("companies.created", created)}</p>}
      <button type="submit" disabled={creating.loading}>{t("companies.create")}</button>
    </form>
  );
}

const PLANS: LicencePlan[] = ["MONTHLY", "QUARTERLY", "YEARLY"];

function Renew({ company }: { company: { id: string; name: string; licence?: { plan: LicencePlan } | null } }) {
  const { t, dateTime } = useI18n();
  const [plan, setPlan] = useState<LicencePlan>(company.licence?.plan ?? "YEARLY");
  const [renew, renewing] = useMutation(PlatformRenewLicenceDocument);
  const until = renewing.data?.renewLicence.licence?.endsAt;
  return (
    <form className="inline" aria-label={t("platform.renewLicence", { name: company.name })} onSubmit={(e) => {
      e.preventDefault();
      void renew({ variables: { id: company.id, plan } }).catch(() => undefined);
    }}>
      <label>{t("platform.plan")}
        <select name="plan" value={plan} onChange={(e) => setPlan(e.target.value as LicencePlan)}>
          {PLANS.map((p) => <option key={p} value={p}>{t(`platform.plan.${p}`)}</option>)}
        </select>
      </label>
      <button type="submit" className="quiet" disabled={renewing.loading}>{t("platform.renew")}</button>
      <ErrorMessage error={renewing.error} />
      {until && <small role="status">{t("platform.renewed", { date: dateTime(until) })}</small>}
    </form>
  );
}

/** A company's administrators, a cursor page at a time, and another one invited. */
function CompanyAdmins({ company }: { company: { id: string; name: string } }) {
  const { t, dateTime } = useI18n();
  const roles = useQuery(AdminRolesDocument, { variables: { companyId: company.id } });
  const roleId = roles.data?.roles.find((r) => r.key === "company_admin")?.id;
  const [after, setAfter] = useState<(string | null)[]>([null]);
  const admins = useQuery(PlatformCompanyAdminsDocument, {
    skip: !roleId, variables: { companyId: company.id, roleId: roleId ?? "", first: PAGE, after: after[after.length - 1] },
  });
  const page = admins.data?.users;

  return (
    <section aria-labelledby="company-admins" className="company-admins">
      <h2 id="company-admins">{t("platform.admins", { name: company.name })}</h2>
      <ErrorMessage error={roles.error ?? admins.error} />
      {page && (page.totalCount === 0 ? <p>{t("platform.noAdmins")}</p> : (
        <>
          <table>
            <thead><tr><th scope="col">{t("people.name")}</th><th scope="col">{t("people.email")}</th>
              <th scope="col">{t("people.status")}</th><th scope="col">{t("people.lastLogin")}</th></tr></thead>
            <tbody>
              {page.edges.map(({ node }) => (
                <tr key={node.id}><th scope="row">{node.name}</th><td>{node.email}</td>
                  <td>{t(node.status === "INACTIVE" ? "people.INACTIVE" : "people.ACTIVE")}</td>
                  <td>{node.lastLoginAt ? dateTime(node.lastLoginAt) : "—"}</td></tr>
              ))}
            </tbody>
          </table>
          <Pager cursors={after} onChange={setAfter} hasNextPage={page.pageInfo.hasNextPage}
                 endCursor={page.pageInfo.endCursor} />
        </>
      ))}
      {roleId && <Invite companyId={company.id} roleId={roleId} title="platform.inviteAdmin"
                         onDone={() => void admins.refetch()} />}
    </section>
  );
}

export function Companies() {
  const { t } = useI18n();
  const [search, setSearch] = useState("");
  const [after, setAfter] = useState<(string | null)[]>([null]);
  const companies = useQuery(PlatformCompaniesDocument, {
    variables: { filter: { search: search || null }, first: PAGE, after: after[after.length - 1] },
  });
  const [rotate, rotating] = useMutation(PlatformRotateAccessCodeDocument);
  const [suspend, suspending] = useMutation(PlatformSuspendCompanyDocument);
  const [reactivate, reactivating] = useMutation(PlatformReactivateCompanyDocument);
  const [reasons, setReasons] = useState<Record<string, string>>({});
  const [shown, setShown] = useState<{ id: string; name: string } | null>(null); // whose administrators
  const page = companies.data?.companies;

  return (
    <main id="content" className="admin">
      <h1>{t("companies.title")}</h1>
      <div className="filters">
        <label>{t("companies.search")}
          <input type="search" value={search} onChange={(e) => { setSearch(e.target.value); setAfter([null]); }} />
        </label>
      </div>
      <ErrorMessage error={companies.error ?? rotating.error ?? suspending.error ?? reactivating.error} />
      {page && (
        <>
          <p>{t("people.count", { count: page.totalCount })}</p>
          <table className="companies">
            <thead><tr><th scope="col">{t("companies.name")}</th><th scope="col">{t("companies.status")}</th>
              <th scope="col">{t("companies.licence")}</th><th scope="col">{t("companies.accessCode")}</th>
              <th scope="col"><span className="sr-only">{t("people.actions")}</span></th></tr></thead>
            <tbody>
              {page.edges.map(({ node: company }) => (
                <tr key={company.id} data-company={company.name}>
                  <th scope="row">{company.name}<br /><small>{company.email}</small><br />
                    <button type="button" className="quiet" aria-pressed={shown?.id === company.id}
                            onClick={() => setShown({ id: company.id, name: company.name })}>
                      {t("platform.admins", { name: company.name })}</button>
                  </th>
                  <td data-status>{t(company.status === "SUSPENDED" ? "companies.SUSPENDED" : "companies.ACTIVE")}
                    {company.suspendedReason && <><br /><small>{company.suspendedReason}</small></>}</td>
                  <td>{company.licence ? t("companies.daysLeft", { plan: t(`platform.plan.${company.licence.plan}`), days: company.licence.daysLeft }) : "—"}
                    {!company.isPlatform && <Renew company={company} />}</td>
                  <td><code data-code>{company.accessCode ?? "—"}</code>{" "}
                    {!company.isPlatform && <button type="button" className="quiet" disabled={rotating.loading}
                      onClick={() => void rotate({ variables: { id: company.id } }).catch(() => undefined)}>
                      {t("companies.rotate")}</button>}
                  </td>
                  <td>
                    {company.isPlatform ? null : company.status === "SUSPENDED"
                      ? <button type="button" onClick={() => void reactivate({ variables: { id: company.id } })
                          .catch(() => undefined)}>{t("companies.reactivate")}</button>
                      : <form className="inline" onSubmit={(e) => {
                          e.preventDefault();
                          void suspend({ variables: { id: company.id, reason: reasons[company.id] ?? "" } })
                            .catch(() => undefined);
                        }}>
                          <label>{t("companies.reason")}
                            <input name="reason" required value={reasons[company.id] ?? ""}
                                   onChange={(e) => setReasons({ ...reasons, [company.id]: e.target.value })} />
                          </label>
                          <button type="submit" className="quiet">{t("companies.suspend")}</button>
                        </form>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager cursors={after} onChange={setAfter} hasNextPage={page.pageInfo.hasNextPage}
                 endCursor={page.pageInfo.endCursor} />
        </>
      )}
      {shown && <CompanyAdmins key={shown.id} company={shown} />}
      <NewCompany onDone={() => void companies.refetch()} />
    </main>
  );
}
