// Placeholder: the triage screen.
import { useI18n } from "../../i18n/i18n";

export function Triage() {
  const { t } = useI18n();
  return <main id="content" className="admin"><h1>{t("triage.title")}</h1></main>;
}
