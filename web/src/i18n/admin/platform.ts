// The platform screen's texts, in English and Spanish (the keys are shared).
export const en = {
  "platform.title": "platform",
};

export const es: Record<keyof typeof en, string> = {
  "platform.title": "platform",
};
