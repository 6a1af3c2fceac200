/** Seconds in a CloudFormation ISO 8601 duration (`PT#H#M#S`, the form its update and creation policies take), or undefined. */
export function isoDurationSeconds(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(value);
  if (!m || value === 'PT') return undefined;
  return Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0);
}
