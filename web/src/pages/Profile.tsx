// The person's own profile (name, phone, language, photo) and which notices reach them where.
import { useMutation, useQuery } from "@apollo/client";
import { useEffect, useState, type FormEvent } from "react";

import { useSession } from "../auth/context";
import { ErrorMessage } from "../components/ErrorMessage";
import {
  MyProfileDocument, NotificationPreferencesDocument, UpdateMyProfileDocument, UpdateNotificationPreferencesDocument,
  UploadMyPhotoDocument, type NotificationChannel, type NotificationKind,
} from "../gql/graphql";
import { toLanguage, useI18n } from "../i18n/i18n";
import { LANGUAGES, type Language, type MessageKey } from "../i18n/messages";

function Preferences() {
  const { t } = useI18n();
  const { data, error } = useQuery(NotificationPreferencesDocument);
  const [update, updating] = useMutation(UpdateNotificationPreferencesDocument, {
    refetchQueries: [NotificationPreferencesDocument],
  });
  const set = (kind: NotificationKind, channel: NotificationChannel, enabled: boolean) =>
    void update({ variables: { changes: [{ kind, channel, enabled }] } }).catch(() => undefined);
  return (
    <section aria-labelledby="prefs-title">
      <h2 id="prefs-title">{t("prefs.title")}</h2>
      <ErrorMessage error={error ?? updating.error} />
      <table className="prefs">
        <thead><tr><th scope="col">{t("prefs.kind")}</th><th scope="col">{t("prefs.IN_APP")}</th>
          <th scope="col">{t("prefs.EMAIL")}</th></tr></thead>
        <tbody>
          {data?.notificationPreferences.map((p) => (
            <tr key={p.kind}>
              <th scope="row">{p.description}</th>
              {(["IN_APP", "EMAIL"] as const).map((channel) => {
                const c = p.channels.find((x) => x.channel === channel);
                return (
                  <td key={channel}>
                    {c && <label className="check">
                      <input type="checkbox" checked={c.enabled} disabled={c.mandatory || updating.loading}
                             aria-label={`${p.description}: ${t(`prefs.${channel}` as MessageKey)}`}
                             onChange={(e) => set(p.kind, channel, e.target.checked)} />
                      {c.mandatory && <small>{t("prefs.mandatory")}</small>}
                    </label>}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Profile() {
  const { t, setLanguage } = useI18n();
  const session = useSession();
  const { data, error } = useQuery(MyProfileDocument);
  const [update, updating] = useMutation(UpdateMyProfileDocument);
  const [upload, uploading] = useMutation(UploadMyPhotoDocument, { refetchQueries: [MyProfileDocument] });
  const me = data?.me;
  const [form, setForm] = useState({ firstName: "", lastName: "", phone: "", language: "es" as Language });
  const [saved, setSaved] = useState(false);
  useEffect(() => {
    if (me) setForm({ firstName: me.firstName, lastName: me.lastName, phone: me.phone ?? "",
                      language: toLanguage(me.language) });
  }, [me]);
  if (!me) return <main id="content"><ErrorMessage error={error} /></main>;

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved(false);
    const done = await update({ variables: { input: { firstName: form.firstName, lastName: form.lastName,
                                                      phone: form.phone || null, language: form.language } } })
      .catch(() => null);
    if (done?.data) {
      setSaved(true);
      setLanguage(form.language);
      session.updateUser({ name: done.data.updateMyProfile.name, language: form.language });
    }
  }

  return (
    <main id="content" className="narrow wide-form">
      <h1>{t("profile.title")}</h1>
      {me.photoUrl ? <img className="photo" src={me.photoUrl} alt={me.name} /> : <p>{t("profile.noPhoto")}</p>}
      <label>{t("profile.photo")}
        <input name="photo" type="file" accept="image/png,image/jpeg,image/gif,image/webp" disabled={uploading.loading}
               onChange={(e) => {
                 const file = e.target.files?.[0];
                 if (file) void upload({ variables: { userId: me.id, file } }).catch(() => undefined); // as a file
               }} />
      </label>
      <ErrorMessage error={uploading.error} />
      <form onSubmit={submit} aria-busy={updating.loading}>
        <label>{t("profile.firstName")}
          <input name="firstName" required value={form.firstName}
                 onChange={(e) => setForm({ ...form, firstName: e.target.value })} /></label>
        <label>{t("profile.lastName")}
          <input name="lastName" required value={form.lastName}
                 onChange={(e) => setForm({ ...form, lastName: e.target.value })} /></label>
        <label>{t("profile.phone")}
          <input name="phone" type="tel" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} />
        </label>
        <label>{t("profile.language")}
          <select name="language" value={form.language}
                  onChange={(e) => setForm({ ...form, language: e.target.value as Language })}>
            {LANGUAGES.map((l) => <option key={l} value={l}>{t(`language.${l}` as MessageKey)}</option>)}
          </select>
        </label>
        <ErrorMessage error={updating.error} />
        {saved && <p role="status">{t("profile.saved")}</p>}
        <button type="submit" disabled={updating.loading}>{t("profile.save")}</button>
      </form>
      <Preferences />
    </main>
  );
}
