import { explainAll } from "../api/errors";
import { useI18n } from "../i18n/i18n";

/** Every failed operation shows a message a person understands, in their language. */
export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useI18n();
  if (!error) return null;
  const explained = explainAll(error);
  return (
    <div role="alert" className="error">
      {explained.map((e, n) => <p key={n}>{t(e.key, e.values)}</p>)}
    </div>
  );
}
