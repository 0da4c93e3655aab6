// Placeholder: the settings screen.
import { useI18n } from "../../i18n/i18n";

export function Settings() {
  const { t } = useI18n();
  return <main id="content" className="admin"><h1>{t("settings.title")}</h1></main>;
}
