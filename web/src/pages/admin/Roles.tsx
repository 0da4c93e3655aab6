// The company administrator's roles: every role they see, what each permits and how many of the company's people
// hold it; the system roles (and the platform's) read-only, the company's own roles changed and deleted, and a new
// one created. A role's permissions are chosen by group from those a company may grant within itself (the local
// ones the administrator holds: the API refuses global ones, and any the administrator does not hold), and its level
// stays at or below the administrator's own. Refusals that name a field show beside it; deleting a role people still
// hold says so.
import { useMutation, useQuery } from "@apollo/client";
import { useEffect, useRef, useState, type FormEvent } from "react";

import { explain, explainAll, type ApiError } from "../../api/errors";
import { CheckedInput, type Said } from "../../components/AdminParts";
import { ErrorMessage } from "../../components/ErrorMessage";
import {
  AdminCreateRoleDocument, AdminDeleteRoleDocument, AdminPermissionCatalogueDocument, AdminRoleListDocument,
  AdminUpdateRoleDocument, type AdminRolePartsFragment, type CreateRoleInput, type Permission, type UpdateRoleInput,
} from "../../gql/graphql";
import { en as texts } from "../../i18n/admin/roles";
import { useI18n, type Translate } from "../../i18n/i18n";
import type { MessageKey } from "../../i18n/messages";
import "./Roles.css";

type Role = AdminRolePartsFragment;
type Grantable = Pick<Permission, "key" | "group" | "description" | "scope">;

/** The highest level a role may have; the API's own limit for a custom role. */
const MAX_LEVEL = 99;
const ROOT = "*";
const GLOBAL_SUFFIX = ".global";
/** The groups in the order a person thinks of them (a group this screen does not know comes last). */
const GROUPS = ["users", "admins", "roles", "skills", "companies", "catalogue", "tickets"];

export interface RoleForm { name: string; description: string; level: string; permissions: string[] }

export const EMPTY_FORM: RoleForm = { name: "", description: "", level: "", permissions: [] };

/** A role as its form shows it. */
export function formOf(role: Role): RoleForm {
  return { name: role.name, description: role.description ?? "", level: String(role.level),
           permissions: [...role.permissions] };
}

/** The form as `createRole`'s input: a role of the administrator's own company, its permissions once each. */
export function createInput(form: RoleForm): CreateRoleInput {
  return { name: form.name, description: form.description.trim() || null, level: Number(form.level),
           permissions: [...new Set(form.permissions)].sort() };
}

/** The form as `updateRole`'s input: every field, an empty description clearing the role's. */
export function updateInput(form: RoleForm): UpdateRoleInput {
  return { name: form.name, description: form.description.trim(), level: Number(form.level),
           permissions: [...new Set(form.permissions)].sort() };
}

/** The highest level the viewer may give a role: below their own, or equal with admins.manage (the API's rule). */
export function maxLevel(me: { effectivePermissions: string[]; role?: { level: number } | null } | null | undefined) {
  if (!me) return MAX_LEVEL;
  if (me.effectivePermissions.includes(ROOT)) return MAX_LEVEL;
  const own = me.role?.level ?? 0;
  return Math.max(0, Math.min(MAX_LEVEL, me.effectivePermissions.includes("admins.manage") ? own : own - 1));
}

/** Whether the viewer may change a role: their company's own, ranked no higher than they may grant. */
export function editable(role: Role, highest: number): boolean {
  return !role.isSystem && role.scope === "COMPANY" && role.level <= highest;
}

/** The permissions to offer, by group: the local ones (a company grants nothing across companies) the viewer holds
 * (`held`; every local one with `*`, or while unknown), and whatever the role already has (never dropped unseen). */
export function offered(catalogue: Grantable[], held: string[] | undefined, current: string[]):
  [string, Grantable[]][] {
  const all = !held || held.includes(ROOT);
  const keep = catalogue.filter((p) => current.includes(p.key)
    || (p.scope === "LOCAL" && (all || (held as string[]).includes(p.key))));
  const groups = [...new Set(keep.map((p) => p.group))]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return groups.map((g) => [g, keep.filter((p) => p.group === g)]);
}

const rank = (group: string) => (GROUPS.includes(group) ? GROUPS.indexOf(group) : GROUPS.length);

export type RoleField = "name" | "description" | "level" | "permissions";
const FIELDS: RoleField[] = ["name", "description", "level", "permissions"];
const list = (value: unknown) => (Array.isArray(value) ? value.join(", ") : "");

/** A failed createRole/updateRole's refusals beside the field they concern (`extensions.field`, or the permissions
 * the viewer may not grant), in the reader's language; `rest`: the failure with the others, to show above. */
export function roleRefusals(failure: unknown): { byField: Partial<Record<RoleField, Said>>; rest: unknown } {
  const byField: Partial<Record<RoleField, Said>> = {};
  if (!failure) return { byField, rest: null };
  const errors = (failure as { graphQLErrors?: ApiError[] }).graphQLErrors;
  if (!errors?.length) return { byField, rest: failure }; // the network, or the server: said as a whole
  const rest: ApiError[] = [];
  for (const error of errors) {
    const ext = error.extensions ?? {};
    const named = typeof ext.field === "string" ? ext.field.split(".").pop() as RoleField : undefined;
    if (ext.code === "FORBIDDEN" && Array.isArray(ext.missing)) {
      byField.permissions = { key: "roles.cannotGrant", values: { keys: list(ext.missing) } };
    } else if (named && FIELDS.includes(named)) {
      if (named === "permissions" && Array.isArray(ext.invalid)) {
        byField.permissions = { key: "roles.globalOnly", values: { keys: list(ext.invalid) } };
      } else if (named === "permissions" && Array.isArray(ext.unknown)) {
        byField.permissions = { key: "roles.unknown", values: { keys: list(ext.unknown) } };
      } else if (named === "level" && ext.code === "BAD_USER_INPUT") {
        byField.level = { key: "roles.levelRange", values: {} };
      } else {
        byField[named] = explain(error);
      }
    } else {
      rest.push(error);
    }
  }
  return { byField, rest: rest.length ? { graphQLErrors: rest } : null };
}

/** Why deleting a role failed: a CONFLICT is its holders (the API refuses a role people hold). */
export function deleteRefusals(failure: unknown, name: string): Said[] {
  return explainAll(failure).map((e) => (e.key === "error.CONFLICT" || e.key === "error.TAKEN"
    ? { key: "roles.stillHeld", values: { name } } : e));
}

/** A permission in the reader's language (one this screen does not know: the API's description). */
function permissionText(t: Translate, key: string, description?: string): string {
  if (key === ROOT) return t("roles.every");
  const base = key.endsWith(GLOBAL_SUFFIX) ? key.slice(0, -GLOBAL_SUFFIX.length) : key;
  const known = `roles.perm.${base}`;
  return known in texts ? t(known as MessageKey) : description ?? base;
}

function groupText(t: Translate, group: string): string {
  const known = `roles.group.${group}`;
  return known in texts ? t(known as MessageKey) : group;
}

function kindOf(role: Role): MessageKey {
  if (role.platformOnly) return "roles.kind.platform";
  if (role.isSystem) return "roles.kind.system";
  return role.scope === "COMPANY" ? "roles.kind.company" : "roles.kind.shared";
}

function FieldRefusal({ said, id }: { said?: Said; id: string }) {
  const { t } = useI18n();
  return said ? <small id={id} className="field-error">{t(said.key, said.values)}</small> : null;
}

function RoleEditor({ role, catalogue, held, highest, onDone, onCancel }: {
  role: Role | null; catalogue: Grantable[]; held: string[] | undefined; highest: number;
  onDone: (name: string, created: boolean) => void; onCancel: () => void;
}) {
  const { t } = useI18n();
  const [form, setForm] = useState<RoleForm>(role ? formOf(role) : EMPTY_FORM);
  const refetch = { refetchQueries: [AdminRoleListDocument] };
  const [create, creating] = useMutation(AdminCreateRoleDocument, refetch);
  const [update, updating] = useMutation(AdminUpdateRoleDocument, refetch);
  const busy = creating.loading || updating.loading;
  const { byField, rest } = roleRefusals(role ? updating.error : creating.error);
  const heading = useRef<HTMLHeadingElement>(null);
  const roleId = role?.id;
  useEffect(() => { if (roleId) heading.current?.focus(); }, [roleId]); // Edit was pressed in the list above

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = role
      ? await update({ variables: { id: role.id, input: updateInput(form) } }).then((r) => r.data?.updateRole)
        .catch(() => null)
      : await create({ variables: { input: createInput(form) } }).then((r) => r.data?.createRole).catch(() => null);
    if (done) {
      if (!role) setForm(EMPTY_FORM);
      onDone(done.name, !role);
    }
  }

  const toggle = (key: string, on: boolean) => setForm({
    ...form, permissions: on ? [...form.permissions, key] : form.permissions.filter((p) => p !== key),
  });
  const title = role ? t("roles.editing", { name: role.name }) : t("roles.new");

  return (
    <form onSubmit={submit} aria-labelledby="role-form-title" aria-busy={busy} className="role-form">
      <h2 id="role-form-title" ref={heading} tabIndex={-1}>{title}</h2>
      <CheckedInput id="role-name" name="name" label="roles.name" value={form.name}
                    onChange={(name) => setForm({ ...form, name })} said={byField.name} />
      <label>{t("roles.description")}
        <textarea name="description" rows={2} maxLength={300} value={form.description}
                  aria-invalid={!!byField.description}
                  aria-describedby={byField.description ? "role-description-error" : undefined}
                  onChange={(e) => setForm({ ...form, description: e.target.value })} />
        <FieldRefusal id="role-description-error" said={byField.description} />
      </label>
      <div className="field">
        <label htmlFor="role-level">{t("roles.level")}</label>
        <input id="role-level" name="level" type="number" required min={1} max={highest} step={1} value={form.level}
               aria-invalid={!!byField.level}
               aria-describedby={byField.level ? "role-level-hint role-level-error" : "role-level-hint"}
               onChange={(e) => setForm({ ...form, level: e.target.value })} />
        <small id="role-level-hint">{t("roles.levelHint", { max: highest })}</small>
        <FieldRefusal id="role-level-error" said={byField.level} />
      </div>
      <fieldset className="role-permissions"
                aria-describedby={byField.permissions ? "role-permissions-help role-permissions-error" : "role-permissions-help"}>
        <legend>{t("roles.permissions")}</legend>
        <p id="role-permissions-help" className="muted">{t("roles.choose")}</p>
        {offered(catalogue, held, role?.permissions ?? []).map(([group, permissions]) => (
          <fieldset key={group}>
            <legend>{groupText(t, group)}</legend>
            {permissions.map((p) => (
              <label key={p.key} className="check">
                <input type="checkbox" name="permissions" value={p.key} checked={form.permissions.includes(p.key)}
                       onChange={(e) => toggle(p.key, e.target.checked)} />
                <span>{permissionText(t, p.key, p.description)} <code>{p.key}</code></span>
              </label>
            ))}
          </fieldset>
        ))}
        <FieldRefusal id="role-permissions-error" said={byField.permissions} />
      </fieldset>
      {rest ? <ErrorMessage error={rest} /> : null}
      <div className="actions">
        <button type="submit" disabled={busy}>{t(role ? "roles.save" : "roles.create")}</button>
        {role && <button type="button" className="secondary" onClick={onCancel}>{t("roles.cancel")}</button>}
      </div>
    </form>
  );
}

function Permissions({ role }: { role: Role }) {
  const { t } = useI18n();
  if (!role.permissions.length) return <>{t("roles.none")}</>;
  return (
    <details>
      <summary>{role.permissions.includes(ROOT) ? t("roles.every")
        : t("roles.permissionCount", { count: role.permissions.length })}</summary>
      <ul>
        {role.permissions.map((key) => <li key={key}>{permissionText(t, key)} <code>{key}</code></li>)}
      </ul>
    </details>
  );
}

export function Roles() {
  const { t } = useI18n();
  const roles = useQuery(AdminRoleListDocument);
  const catalogue = useQuery(AdminPermissionCatalogueDocument);
  const [remove, removing] = useMutation(AdminDeleteRoleDocument, { refetchQueries: [AdminRoleListDocument] });
  const [editing, setEditing] = useState<Role | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null); // the role whose deletion awaits a yes
  const [refused, setRefused] = useState<Said[]>([]);
  const [said, setSaid] = useState<string | null>(null); // what was just done, for the status line
  const me = catalogue.data?.me;
  const highest = maxLevel(me);

  async function destroy(role: Role) {
    setRefused([]);
    setSaid(null);
    const done = await remove({ variables: { id: role.id } }).catch((failure: unknown) => {
      setRefused(deleteRefusals(failure, role.name));
      return null;
    });
    setConfirming(null);
    if (done?.data?.deleteRole) {
      setSaid(t("roles.deleted", { name: role.name }));
      if (editing?.id === role.id) setEditing(null);
    }
  }

  return (
    <main id="content" className="admin roles">
      <h1>{t("roles.title")}</h1>
      <p>{t("roles.intro")}</p>
      <ErrorMessage error={roles.error ?? catalogue.error} />
      {refused.length > 0 && (
        <div role="alert" className="error">{refused.map((r, n) => <p key={n}>{t(r.key, r.values)}</p>)}</div>
      )}
      <p role="status">{said}</p>
      {roles.data && (
        <table className="role-list">
          <thead><tr><th scope="col">{t("roles.name")}</th><th scope="col">{t("roles.level")}</th>
            <th scope="col">{t("roles.kind")}</th><th scope="col">{t("roles.permissions")}</th>
            <th scope="col">{t("roles.holders")}</th>
            <th scope="col"><span className="sr-only">{t("people.actions")}</span></th></tr></thead>
          <tbody>
            {roles.data.roles.map((role) => (
              <tr key={role.id} data-role={role.key ?? role.name}>
                <th scope="row">{role.name}{role.description && <><br /><small>{role.description}</small></>}</th>
                <td>{role.level}</td>
                <td>{t(kindOf(role))}</td>
                <td><Permissions role={role} /></td>
                <td>{role.holderCount}</td>
                <td>
                  {editable(role, highest) && (confirming === role.id ? (
                    <div role="group" aria-label={t("roles.deleteConfirm", { name: role.name })} className="confirm">
                      <span>{t("roles.deleteConfirm", { name: role.name })}</span>
                      <button type="button" disabled={removing.loading} onClick={() => void destroy(role)}>
                        {t("roles.deleteYes", { name: role.name })}</button>
                      <button type="button" className="secondary" onClick={() => setConfirming(null)}>
                        {t("roles.deleteNo")}</button>
                    </div>
                  ) : (
                    <div className="row-actions">
                      <button type="button" className="secondary" aria-label={t("roles.editNamed", { name: role.name })}
                              onClick={() => { setSaid(null); setEditing(role); }}>{t("roles.edit")}</button>
                      <button type="button" className="secondary" aria-label={t("roles.deleteNamed", { name: role.name })}
                              onClick={() => { setRefused([]); setConfirming(role.id); }}>{t("roles.delete")}</button>
                    </div>
                  ))}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {catalogue.data && (
        <RoleEditor key={editing?.id ?? "new"} role={editing} catalogue={catalogue.data.permissions}
                    held={me?.effectivePermissions} highest={highest}
                    onCancel={() => setEditing(null)}
                    onDone={(name, created) => {
                      setSaid(t(created ? "roles.created" : "roles.saved", { name }));
                      setEditing(null);
                    }} />
      )}
    </main>
  );
}
