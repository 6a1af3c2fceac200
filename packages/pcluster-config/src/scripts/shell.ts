/** Quote a value for bash: bare when it is made of safe characters only, single-quoted otherwise. */
export function shellQuote(value: string): string {
  if (/^[A-Za-z0-9_./:@%+,-]+$/.test(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
