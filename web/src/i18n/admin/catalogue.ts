// The catalogue screen's texts, in English and Spanish (the keys are shared).
export const en = {
  "catalogue.title": "catalogue",
};

export const es: Record<keyof typeof en, string> = {
  "catalogue.title": "catalogue",
};
