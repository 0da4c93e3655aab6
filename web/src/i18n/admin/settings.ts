// The settings screen's texts, in English and Spanish (the keys are shared).
export const en = {
  "settings.title": "settings",
};

export const es: Record<keyof typeof en, string> = {
  "settings.title": "settings",
};
