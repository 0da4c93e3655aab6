// Figures as people read them on the dashboards (no chart library here: the cross-company view needs them too).

/** A share (0..1) as a whole percentage, or a dash when nothing was decided. */
export function percent(share: number | null | undefined): string {
  return share == null ? "—" : `${Math.round(share * 100)} %`;
}

/** Business minutes as hours and minutes ("2 h 05 min"), or a dash. */
export function duration(minutes: number | null | undefined): string {
  if (minutes == null) return "—";
  const whole = Math.round(minutes);
  return whole < 60 ? `${whole} min` : `${Math.floor(whole / 60)} h ${String(whole % 60).padStart(2, "0")} min`;
}

/** The last `days` days up to a minute from now, as the statistics' `from` and `to`. */
export function lastDays(days: number): { from: string; to: string } {
  const end = new Date(Date.now() + 60_000);
  return { from: new Date(end.getTime() - days * 86_400_000).toISOString(), to: end.toISOString() };
}
