// Placeholder: the assignments screen.
import { useI18n } from "../../i18n/i18n";

export function Assignments() {
  const { t } = useI18n();
  return <main id="content" className="admin"><h1>{t("assignments.title")}</h1></main>;
}
