export type PathSegment = string | number;

/** `['clusters', 'queues', 0, 'name']` → `clusters.queues[0].name` */
export function dottedPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/** Splits an ajv `instancePath` (`/clusters/queues/0/name`) into segments, array indexes as numbers. */
export function fromJsonPointer(pointer: string): PathSegment[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}
