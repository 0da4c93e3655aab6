// Document transform for codegen.yml: `__typename` in every selection set of the app's documents, as Apollo Client's
// cache adds it before sending. The persisted-documents manifest then holds exactly what the app's cache needs, and
// Apollo finds nothing to add (so the documents it sends are the manifest's).
module.exports = require("@graphql-codegen/client-preset").addTypenameSelectionDocumentTransform;
