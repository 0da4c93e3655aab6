// Raising a ticket: the person picks a service from the catalogue, answers its form, describes the problem and
// may attach files; the new ticket's page opens.
import { useMutation, useQuery } from "@apollo/client";
import { useState, type FormEvent } from "react";
import { useNavigate } from "react-router-dom";

import { ErrorMessage } from "../components/ErrorMessage";
import { answersOf, FormFields, missingRequired, type Values } from "../components/FormFields";
import { CreateTicketDocument, ServiceCatalogueDocument, TicketQueueDocument } from "../gql/graphql";
import { useI18n } from "../i18n/i18n";

export function NewTicket() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const catalogue = useQuery(ServiceCatalogueDocument);
  const [create, { loading, error }] = useMutation(CreateTicketDocument, { refetchQueries: [TicketQueueDocument] });
  const [itemId, setItemId] = useState("");
  const [title, setTitle] = useState("");
  const [description, setDescription] = useState("");
  const [values, setValues] = useState<Values>({});
  const [files, setFiles] = useState<File[]>([]);
  const [missing, setMissing] = useState<string[]>([]);
  const items = catalogue.data?.serviceItems ?? [];
  const item = items.find((i) => i.id === itemId);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!item) return;
    const unanswered = missingRequired(item.form, values);
    setMissing(unanswered);
    if (unanswered.length) return;
    const attachments = files.map((f) => ({ name: f.name, file: f })); // sent as files (a multipart request)
    const result = await create({ variables: { input: {
      itemId: item.id, title: title.trim(), description: description.trim(), answers: answersOf(item.form, values),
      attachments: attachments.length ? attachments : null,
    } } }).catch(() => null);
    const created = result?.data?.createTicket;
    if (created) navigate(`/tickets/${created.id}`);
  }

  return (
    <main id="content" className="narrow wide-form">
      <h1>{t("new.title")}</h1>
      <ErrorMessage error={catalogue.error} />
      <form onSubmit={submit} aria-busy={loading}>
        <label>{t("new.item")}
          <select name="itemId" required value={itemId} onChange={(e) => { setItemId(e.target.value); setValues({}); }}>
            <option value="">{t("new.pick")}</option>
            {items.map((i) => <option key={i.id} value={i.id}>{i.name}</option>)}
          </select>
        </label>
        {item?.description && <p className="muted item-description">{item.description}</p>}
        {item && <FormFields form={item.form} values={values} onChange={setValues} />}
        <label>{t("new.subject")}
          <input name="title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
        </label>
        <label>{t("new.description")}
          <textarea name="description" required rows={5} value={description}
                    onChange={(e) => setDescription(e.target.value)} />
        </label>
        <label>{t("new.attachments")}
          <input name="attachments" type="file" multiple
                 onChange={(e) => setFiles(Array.from(e.target.files ?? []))} />
        </label>
        {missing.length > 0 && <p role="alert" className="error">{t("new.missing", { fields: missing.join(", ") })}</p>}
        <ErrorMessage error={error} />
        <button type="submit" disabled={loading || !item}>{t("new.submit")}</button>
      </form>
    </main>
  );
}
