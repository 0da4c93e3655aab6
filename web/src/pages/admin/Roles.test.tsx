import { MockedProvider, type MockedResponse } from "@apollo/client/testing";
import { GraphQLError } from "graphql";
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";

import {
  AdminCreateRoleDocument, AdminPermissionCatalogueDocument, AdminRoleListDocument, type AdminRolePartsFragment,
} from "../../gql/graphql";
import { I18nProvider } from "../../i18n/i18n";
import {
  createInput, deleteRefusals, editable, maxLevel, offered, roleRefusals, Roles, updateInput,
} from "./Roles";

const role = (over: Partial<AdminRolePartsFragment>): AdminRolePartsFragment => ({
  __typename: "Role", id: "r1", name: "Role", key: null, level: 40, isSystem: false, platformOnly: false,
  scope: "COMPANY", description: null, permissions: [], holderCount: 0, ...over,
});

const permission = (key: string, group: string, scope: "LOCAL" | "GLOBAL" = "LOCAL") =>
  ({ __typename: "Permission" as const, key, group, description: `API: ${key}`, scope });

describe("the roles screen's logic", () => {
  it("sends a new role with its level as a number, no empty description and each permission once", () => {
    const form = { name: "Supervisor", description: "  ", level: "60",
                   permissions: ["tickets.read", "users.read", "tickets.read"] };
    expect(createInput(form)).toEqual({ name: "Supervisor", description: null, level: 60,
                                        permissions: ["tickets.read", "users.read"] });
    // changing a role: an emptied description clears the role's (null would leave it as it was)
    expect(updateInput(form).description).toBe("");
  });

  it("puts each refusal beside the field it concerns, in the reader's words, and keeps the others", () => {
    const { byField, rest } = roleRefusals({ graphQLErrors: [
      { message: "global permissions are for platform staff only: tickets.read.global",
        extensions: { code: "BAD_USER_INPUT", field: "input.permissions", invalid: ["tickets.read.global"] } },
      { message: "level must be between 1 and 99", extensions: { code: "BAD_USER_INPUT", field: "level" } },
      { message: "a role named Agent already exists", extensions: { code: "CONFLICT", field: "name" } },
      { message: "nope", extensions: { code: "SERVICE_UNAVAILABLE" } },
    ] });
    expect(byField.permissions).toEqual({ key: "roles.globalOnly", values: { keys: "tickets.read.global" } });
    expect(byField.level?.key).toBe("roles.levelRange");
    expect(byField.name?.key).toBe("error.TAKEN");
    expect(rest).toEqual({ graphQLErrors: [{ message: "nope", extensions: { code: "SERVICE_UNAVAILABLE" } }] });
    // permissions the administrator does not hold: FORBIDDEN naming them, said beside the permissions
    const missing = roleRefusals({ graphQLErrors: [{ message: "you cannot grant",
      extensions: { code: "FORBIDDEN", missing: ["tickets.manage", "users.delete"] } }] });
    expect(missing.byField.permissions).toEqual({ key: "roles.cannotGrant",
                                                  values: { keys: "tickets.manage, users.delete" } });
    expect(missing.rest).toBeNull();
    expect(roleRefusals(null)).toEqual({ byField: {}, rest: null });
  });

  it("says a role people still hold cannot be deleted, and other refusals as they are", () => {
    const held = { graphQLErrors: [{ message: "the role X still has 2 users", extensions: { code: "CONFLICT" } }] };
    expect(deleteRefusals(held, "Supervisor")).toEqual([{ key: "roles.stillHeld", values: { name: "Supervisor" } }]);
    const system = { graphQLErrors: [{ message: "system role", extensions: { code: "FORBIDDEN" } }] };
    expect(deleteRefusals(system, "Agent")[0].key).toBe("error.FORBIDDEN");
  });

  it("offers only the local permissions the administrator holds, by group, and keeps what a role has", () => {
    const catalogue = [permission("*", "root", "GLOBAL"), permission("tickets.read", "tickets"),
      permission("tickets.read.global", "tickets", "GLOBAL"), permission("users.read", "users"),
      permission("users.delete", "users"), permission("companies.create.global", "companies", "GLOBAL")];
    const groups = offered(catalogue, ["tickets.read", "users.read"], ["users.delete"]);
    expect(groups.map(([g, ps]) => [g, ps.map((p) => p.key)]))
      .toEqual([["users", ["users.read", "users.delete"]], ["tickets", ["tickets.read"]]]);
    // while what the administrator holds is unknown: every local one, never a global one
    expect(offered(catalogue, undefined, []).flatMap(([, ps]) => ps.map((p) => p.key)))
      .toEqual(["users.read", "users.delete", "tickets.read"]);
  });

  it("keeps a role's level at or below the administrator's own, and system roles read-only", () => {
    const admin = { effectivePermissions: ["admins.manage", "roles.manage"], role: { level: 80 } };
    expect(maxLevel(admin)).toBe(80);
    expect(maxLevel({ effectivePermissions: ["roles.manage"], role: { level: 60 } })).toBe(59);
    expect(maxLevel({ effectivePermissions: ["*"], role: { level: 100 } })).toBe(99);
    expect(editable(role({}), 80)).toBe(true);
    expect(editable(role({ isSystem: true, scope: "GLOBAL", key: "agent" }), 80)).toBe(false);
    expect(editable(role({ level: 85 }), 80)).toBe(false);
    expect(editable(role({ scope: "GLOBAL" }), 80)).toBe(false);
  });
});

describe("the roles screen", () => {
  afterEach(cleanup);

  const mocks: MockedResponse[] = [
    { request: { query: AdminRoleListDocument }, result: { data: { __typename: "Query", roles: [
      role({ id: "role_agent", key: "agent", name: "Agent", isSystem: true, scope: "GLOBAL",
             permissions: ["tickets.read", "tickets.work"], holderCount: 2 }),
      role({ id: "r9", name: "Supervisor", level: 60, permissions: ["tickets.read"], holderCount: 1 }),
    ] } } },
    { request: { query: AdminPermissionCatalogueDocument }, result: { data: { __typename: "Query",
      permissions: [permission("tickets.read", "tickets"), permission("tickets.read.global", "tickets", "GLOBAL"),
                    permission("users.read", "users")],
      me: { __typename: "User", id: "me", effectivePermissions: ["admins.manage", "tickets.read", "users.read"],
            role: { __typename: "Role", id: "role_company_admin", level: 80 } },
    } } },
    { request: { query: AdminCreateRoleDocument, variables: { input: {
        name: "Viewers", description: null, level: 20, permissions: ["users.read"] } } },
      result: { errors: [new GraphQLError("you cannot grant permissions you do not hold: users.read", {
        extensions: { code: "FORBIDDEN", missing: ["users.read"] } })] } },
  ];

  it("lets a company's own role be changed but not a system one, and shows a refusal beside the permissions", async () => {
    render(<MockedProvider mocks={mocks}><I18nProvider initial="es"><Roles /></I18nProvider></MockedProvider>);
    const agent = await screen.findByRole("rowheader", { name: "Agent" });
    expect(within(agent.closest("tr") as HTMLElement).queryAllByRole("button")).toHaveLength(0);
    expect(screen.getByRole("button", { name: "Editar el rol Supervisor" })).toBeTruthy();
    expect(screen.getByRole("button", { name: "Eliminar el rol Supervisor" })).toBeTruthy();

    const form = await screen.findByRole("form", { name: "Un rol nuevo" });
    const boxes = within(form).getAllByRole("checkbox").map((b) => (b as HTMLInputElement).value);
    expect(boxes).toEqual(["users.read", "tickets.read"]); // no global permission on offer
    fireEvent.change(within(form).getByLabelText("Nombre"), { target: { value: "Viewers" } });
    fireEvent.change(within(form).getByLabelText("Nivel"), { target: { value: "20" } });
    fireEvent.click(within(form).getByRole("checkbox", { name: /users\.read/ }));
    fireEvent.submit(form);
    const said = await within(form).findByText("No puedes otorgar permisos que tú no tienes: users.read");
    const permissions = within(form).getByRole("group", { name: "Permisos" });
    expect(permissions.getAttribute("aria-describedby")).toContain(said.id);
    await waitFor(() => expect(within(form).queryByRole("alert")).toBeNull()); // nothing else to say above
  });
});
