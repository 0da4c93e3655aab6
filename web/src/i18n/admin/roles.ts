// The roles screen's texts, in English and Spanish (the keys are shared).
export const en = {
  "roles.title": "roles",
};

export const es: Record<keyof typeof en, string> = {
  "roles.title": "roles",
};
