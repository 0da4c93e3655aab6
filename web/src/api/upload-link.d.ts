// apollo-upload-client ships JavaScript with JSDoc types only: the one function the app uses, typed here.
declare module "apollo-upload-client/createUploadLink.mjs" {
  import type { ApolloLink } from "@apollo/client";

  export default function createUploadLink(options?: {
    uri?: string;
    headers?: Record<string, string>;
    credentials?: string;
    fetch?: (uri: string, init: RequestInit) => Promise<Response>;
  }): ApolloLink;
}
