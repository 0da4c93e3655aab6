import { ApolloProvider } from "@apollo/client";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { BrowserRouter } from "react-router-dom";

import { createApollo } from "./api/client";
import { Connection } from "./api/connection";
import { refreshTokens } from "./api/refresh";
import { App } from "./App";
import { ServicesProvider } from "./auth/context";
import { Session } from "./auth/session";
import { I18nProvider, toLanguage } from "./i18n/i18n";
import "./styles.css";

const session = new Session(refreshTokens);
const connection = new Connection();
const { client } = createApollo(session, connection);
const language = toLanguage(session.user?.language ?? navigator.language);
document.documentElement.lang = language;

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <ServicesProvider session={session} connection={connection}>
      <ApolloProvider client={client}>
        <I18nProvider initial={language}>
          <BrowserRouter>
            <App />
          </BrowserRouter>
        </I18nProvider>
      </ApolloProvider>
    </ServicesProvider>
  </StrictMode>,
);
