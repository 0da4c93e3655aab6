// The shell every screen sits in: the header with the person's menu and language, the banner while the live
// connection is being restored, and the routes (the administration screens slot in beside these).
import { useApolloClient, useMutation, useQuery } from "@apollo/client";
import { lazy, Suspense, useEffect, type ReactNode } from "react";
import { Navigate, NavLink, Outlet, Route, Routes, useLocation, useNavigate } from "react-router-dom";

import { useConnectionState, useSession, useUser } from "./auth/context";
import { Bell } from "./components/Bell";
import { DeskTimeZoneDocument, LogoutDocument } from "./gql/graphql";
import { useI18n } from "./i18n/i18n";
import { LANGUAGES, type Language } from "./i18n/messages";
import { NewTicket } from "./pages/NewTicket";
import { ChoosePassword, ForgotPassword } from "./pages/Passwords";
import { Profile } from "./pages/Profile";
import { SignIn } from "./pages/SignIn";
import { TicketList } from "./pages/TicketList";
import { TicketPage } from "./pages/TicketPage";

// the administration screens (and the dashboard's charts library) load when opened, not with the app's first page
const Assignments = lazy(() => import("./pages/admin/Assignments").then((m) => ({ default: m.Assignments })));
const Catalogue = lazy(() => import("./pages/admin/Catalogue").then((m) => ({ default: m.Catalogue })));
const Companies = lazy(() => import("./pages/admin/Companies").then((m) => ({ default: m.Companies })));
const Dashboard = lazy(() => import("./pages/admin/Dashboard").then((m) => ({ default: m.Dashboard })));
const Overview = lazy(() => import("./pages/admin/Overview").then((m) => ({ default: m.Overview })));
const People = lazy(() => import("./pages/admin/People").then((m) => ({ default: m.People })));
const Roles = lazy(() => import("./pages/admin/Roles").then((m) => ({ default: m.Roles })));
const Settings = lazy(() => import("./pages/admin/Settings").then((m) => ({ default: m.Settings })));
const Triage = lazy(() => import("./pages/admin/Triage").then((m) => ({ default: m.Triage })));

function isStaff(role: string | undefined): boolean {
  return !!role && role !== "customer";
}

function isAdmin(role: string | undefined): boolean {
  return role === "company_admin";
}

function isPlatformAdmin(role: string | undefined): boolean {
  return role === "platform_root" || role === "platform_admin";
}

/** Dates in the company's time zone, once the signed-in person's company is known. */
function CompanyTimeZone() {
  const { setTimeZone } = useI18n();
  const user = useUser();
  const { data } = useQuery(DeskTimeZoneDocument, { fetchPolicy: "cache-first", skip: !user?.company });
  const zone = data?.deskSettings.calendar.timezone ?? null;
  useEffect(() => setTimeZone(zone), [zone, setTimeZone]);
  return null;
}

function SignedIn({ children }: { children: ReactNode }) {
  const user = useUser();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: location.pathname }} />;
  return <><CompanyTimeZone />{children}</>;
}

function Header() {
  const { t, language, setLanguage } = useI18n();
  const user = useUser();
  const session = useSession();
  const client = useApolloClient();
  const navigate = useNavigate();
  const [logout] = useMutation(LogoutDocument);

  async function signOut(everywhere: boolean) {
    await logout({ variables: { everywhere } }).catch(() => undefined); // signed out here whatever it answers
    session.end();
    await client.clearStore();
    navigate("/login", { replace: true });
  }

  return (
    <header className="top">
      <a className="skip" href="#content">{t("app.skip")}</a>
      <strong className="brand">{t("app.name")}</strong>
      {user && (
        <nav aria-label="main">
          <NavLink to="/tickets" end>{t("nav.myTickets")}</NavLink>
          <NavLink to="/new">{t("nav.newTicket")}</NavLink>
          {isStaff(user.role?.key) && <NavLink to="/queue">{t("nav.queue")}</NavLink>}
          {isStaff(user.role?.key) && <NavLink to="/dashboard">{t("nav.dashboard")}</NavLink>}
          {isAdmin(user.role?.key) && <NavLink to="/admin/people">{t("nav.admin")}</NavLink>}
          {isPlatformAdmin(user.role?.key) && <NavLink to="/platform/companies">{t("nav.companies")}</NavLink>}
          {isPlatformAdmin(user.role?.key) && <NavLink to="/platform/overview">{t("platform.title")}</NavLink>}
        </nav>
      )}
      <span className="spacer" />
      <label className="language">
        {t("nav.language")}{" "}
        <select value={language} onChange={(e) => setLanguage(e.target.value as Language)}>
          {LANGUAGES.map((l) => <option key={l} value={l}>{l.toUpperCase()}</option>)}
        </select>
      </label>
      {user && (
        <>
          <Bell />
          <NavLink to="/profile" className="who">{user.name}</NavLink>
          <button type="button" className="sign-out" onClick={() => void signOut(false)}>{t("nav.signOut")}</button>
          <button type="button" className="quiet" onClick={() => void signOut(true)}>
            {t("nav.signOutEverywhere")}
          </button>
        </>
      )}
    </header>
  );
}

function ConnectionBanner() {
  const { t } = useI18n();
  const state = useConnectionState();
  if (state !== "reconnecting") return null;
  return <div className="banner" role="status">{t("connection.reconnecting")}</div>;
}

/** The company administrator's screens, one link each, above the screen that is open. */
function AdminLayout() {
  const { t } = useI18n();
  const screens = [["people", "nav.people"], ["roles", "roles.title"], ["catalogue", "catalogue.title"],
    ["settings", "settings.title"], ["assignments", "assignments.title"], ["triage", "triage.title"]] as const;
  return (
    <>
      <nav aria-label={t("nav.admin")} className="admin-nav">
        {screens.map(([path, label]) => <NavLink key={path} to={`/admin/${path}`}>{t(label)}</NavLink>)}
      </nav>
      <Suspense fallback={null}><Outlet /></Suspense>
    </>
  );
}

function Home() {
  const user = useUser();
  return <Navigate to={isStaff(user?.role?.key) ? "/queue" : "/tickets"} replace />;
}

export function App() {
  return (
    <>
      <Header />
      <ConnectionBanner />
      <Routes>
        <Route path="/login" element={<SignIn />} />
        <Route path="/forgot-password" element={<ForgotPassword />} />
        <Route path="/reset-password" element={<ChoosePassword welcome={false} />} />
        <Route path="/set-password" element={<ChoosePassword welcome />} />
        <Route path="/tickets" element={<SignedIn><TicketList title="tickets.title" view="VISIBLE" /></SignedIn>} />
        <Route path="/profile" element={<SignedIn><Profile /></SignedIn>} />
        <Route path="/admin" element={<SignedIn><AdminLayout /></SignedIn>}>
          <Route index element={<Navigate to="people" replace />} />
          <Route path="people" element={<People />} />
          <Route path="roles" element={<Roles />} />
          <Route path="catalogue" element={<Catalogue />} />
          <Route path="settings" element={<Settings />} />
          <Route path="assignments" element={<Assignments />} />
          <Route path="triage" element={<Triage />} />
        </Route>
        <Route path="/platform/companies" element={<SignedIn><Suspense fallback={null}><Companies /></Suspense></SignedIn>} />
        <Route path="/platform/overview" element={<SignedIn><Suspense fallback={null}><Overview /></Suspense></SignedIn>} />
        <Route path="/dashboard" element={<SignedIn><Suspense fallback={null}><Dashboard /></Suspense></SignedIn>} />
        <Route path="/new" element={<SignedIn><NewTicket /></SignedIn>} />
        <Route path="/tickets/:id" element={<SignedIn><TicketPage /></SignedIn>} />
        <Route path="/queue" element={<SignedIn><TicketList title="tickets.queueTitle" view="VISIBLE" controls /></SignedIn>} />
        <Route path="*" element={<SignedIn><Home /></SignedIn>} />
      </Routes>
    </>
  );
}
