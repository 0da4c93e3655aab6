// The pages the product's e-mails link to: /reset-password?token= (a reset asked for) and /set-password?token=
// (the welcome of a new account), and the form that asks for a reset.
import { useMutation } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router-dom";

import { ErrorMessage } from "../components/ErrorMessage";
import { RequestPasswordResetDocument, ResetPasswordDocument } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";

export function ForgotPassword() {
  const { t } = useI18n();
  const [request, { loading, error, data }] = useMutation(RequestPasswordResetDocument);
  const [accessCode, setAccessCode] = useState("");
  const [email, setEmail] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    void request({ variables: { input: { accessCode: accessCode.trim() || null, email: email.trim() } } })
      .catch(() => undefined);
  }

  return (
    <main id="content" className="narrow">
      <h1>{t("reset.requestTitle")}</h1>
      {data ? <p role="status">{t("reset.requestSent")}</p> : (
        <form onSubmit={submit} aria-busy={loading}>
          <label>{t("signIn.accessCode")}
            <input name="accessCode" value={accessCode} onChange={(e) => setAccessCode(e.target.value)} />
          </label>
          <label>{t("signIn.email")}
            <input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </label>
          <ErrorMessage error={error} />
          <button type="submit" disabled={loading}>{t("reset.requestSubmit")}</button>
        </form>
      )}
      <p><Link to="/login">{t("signIn.title")}</Link></p>
    </main>
  );
}

export function ChoosePassword({ welcome }: { welcome: boolean }) {
  const { t } = useI18n();
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [reset, { loading, error, data }] = useMutation(ResetPasswordDocument);
  const [password, setPassword] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    void reset({ variables: { input: { token, newPassword: password } } }).catch(() => undefined);
  }

  return (
    <main id="content" className="narrow">
      <h1>{t(welcome ? "reset.welcomeTitle" : "reset.title")}</h1>
      {!token ? <p role="alert">{t("reset.noToken")}</p> : data?.resetPassword ? (
        <p role="status">{t("reset.done")} <Link to="/login">{t("signIn.title")}</Link></p>
      ) : (
        <form onSubmit={submit} aria-busy={loading}>
          <label>{t("reset.newPassword")}
            <input name="newPassword" type="password" required autoComplete="new-password" value={password}
                   onChange={(e) => setPassword(e.target.value)} />
          </label>
          <ErrorMessage error={error} />
          <button type="submit" disabled={loading}>{t("reset.submit")}</button>
        </form>
      )}
    </main>
  );
}
