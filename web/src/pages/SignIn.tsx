import { useMutation } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Link, useNavigate } from "react-router-dom";

import { useSession } from "../auth/context";
import { ErrorMessage } from "../components/ErrorMessage";
import { LoginDocument } from "../gql/graphql";
import { toLanguage, useI18n } from "../i18n/i18n";

export function SignIn() {
  const { t, setLanguage } = useI18n();
  const session = useSession();
  const navigate = useNavigate();
  const [login, { loading, error }] = useMutation(LoginDocument);
  const [accessCode, setAccessCode] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const input = { accessCode: accessCode.trim() || null, email: email.trim(), password };
    const result = await login({ variables: { input } }).catch(() => null);
    const payload = result?.data?.login;
    if (!payload) return;
    const { id, name, email: address, language, role, company } = payload.user;
    session.begin(payload, { id, name, email: address ?? "", language: language ?? "es",
                             role: role ? { key: role.key ?? "", name: role.name } : null,
                             company: company ? { id: company.id, name: company.name } : null });
    setLanguage(toLanguage(payload.user.language));
    navigate("/", { replace: true });
  }

  return (
    <main id="content" className="narrow">
      <h1>{t("signIn.title")}</h1>
      <form onSubmit={submit} aria-busy={loading}>
        <label>
          {t("signIn.accessCode")}
          <input name="accessCode" value={accessCode} onChange={(e) => setAccessCode(e.target.value)}
                 autoComplete="organization" aria-describedby="code-hint" />
        </label>
        <small id="code-hint">{t("signIn.accessCodeHint")}</small>
        <label>
          {t("signIn.email")}
          <input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)}
                 autoComplete="username" />
        </label>
        <label>
          {t("signIn.password")}
          <input name="password" type="password" required value={password}
                 onChange={(e) => setPassword(e.target.value)} autoComplete="current-password" />
        </label>
        <ErrorMessage error={error} />
        <button type="submit" disabled={loading}>{t("signIn.submit")}</button>
      </form>
      <p><Link to="/forgot-password">{t("signIn.forgot")}</Link></p>
    </main>
  );
}
