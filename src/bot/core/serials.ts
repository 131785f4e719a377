// Serials as people type them: `1001,1002 1005-1010`.
export const MAX_SERIALS = 1000;

export type SerialParse = { ok: true; serials: number[] } | { ok: false; token: string };

export function parseSerials(text: string): SerialParse {
  const serials = new Set<number>();
  for (const token of text.split(/[\s,]+/).filter(Boolean)) {
    const range = /^(\d{1,10})(?:[-~](\d{1,10}))?$/.exec(token);
    if (!range) return { ok: false, token };
    const from = Number(range[1]);
    const to = range[2] === undefined ? from : Number(range[2]);
    if (from < 1 || to < from || to - from >= MAX_SERIALS || to > 2_147_483_647) return { ok: false, token };
    for (let s = from; s <= to; s++) serials.add(s);
    if (serials.size > MAX_SERIALS) return { ok: false, token };
  }
  return { ok: true, serials: [...serials].sort((a, b) => a - b) };
}

/** 1001,1002,1003,1007 → "1001-1003, 1007". */
export function formatSerials(serials: readonly number[], max = 40): string {
  const sorted = [...new Set(serials)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    parts.push(j > i ? `${sorted[i]}-${sorted[j]}` : `${sorted[i]}`);
    i = j + 1;
  }
  if (parts.length <= max) return parts.join(', ');
  return `${parts.slice(0, max).join(', ')} … (+${parts.length - max})`;
}
