// Placeholder: the catalogue screen.
import { useI18n } from "../../i18n/i18n";

export function Catalogue() {
  const { t } = useI18n();
  return <main id="content" className="admin"><h1>{t("catalogue.title")}</h1></main>;
}
