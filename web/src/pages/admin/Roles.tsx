// Placeholder: the roles screen.
import { useI18n } from "../../i18n/i18n";

export function Roles() {
  const { t } = useI18n();
  return <main id="content" className="admin"><h1>{t("roles.title")}</h1></main>;
}
