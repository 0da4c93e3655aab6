// The assignments screen's texts, in English and Spanish (the keys are shared).
export const en = {
  "assignments.title": "assignments",
};

export const es: Record<keyof typeof en, string> = {
  "assignments.title": "assignments",
};
