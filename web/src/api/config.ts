// Where the API is: the same origin by default (the gateway serves the app), or VITE_API_URL at build time.
const configured = import.meta.env.VITE_API_URL as string | undefined;

export const API_URL = configured || "/graphql";

export function websocketUrl(api: string = API_URL, here: Location = window.location): string {
  const absolute = new URL(api, here.href);
  absolute.protocol = absolute.protocol === "https:" ? "wss:" : "ws:";
  return absolute.toString();
}
