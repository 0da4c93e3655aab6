// The triage screen's texts, in English and Spanish (the keys are shared).
export const en = {
  "triage.title": "triage",
};

export const es: Record<keyof typeof en, string> = {
  "triage.title": "triage",
};
